"""English and Russian: the Russian catalogue is complete, pages in Russian show no English UI text, plurals
take Russian's three forms, and the language follows the browser, the switcher and the profile."""

import html
import os
import re
import shutil
from decimal import Decimal
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from ads.models import Ad, Category
from chat import services as chat_services
from chat.delivery import email
from chat.delivery.web_push import payload_for
from chat.models import Message
from marketplace.money import format_money
from tests.e2e.test_accessibility import _pages, _world
from tests.factories import TEST_PASSWORD

ROOT = Path(__file__).resolve().parents[1]
CATALOGUES = ROOT / "locale" / "ru" / "LC_MESSAGES"


@pytest.fixture(autouse=True)
def _no_language_left_active():
    """A request in Russian leaves Russian active in the test's thread (LocaleMiddleware does not reset
    it): each test starts from the default language."""
    yield
    translation.deactivate()


def _needs_gettext():
    if shutil.which("xgettext") and shutil.which("msgmerge") and shutil.which("msgfmt"):
        return
    if os.environ.get("CI") == "true":
        pytest.fail("CI=true but GNU gettext is not installed (apt-get install gettext)")
    pytest.skip("GNU gettext is not installed (apt-get install gettext)")


def test_makemessages_leaves_no_untranslated_fuzzy_or_stale_entry_in_russian():
    """Re-extract every string from the code: each must have a Russian translation (all plural forms),
    none fuzzy, and the committed files must already hold them all. makemessages writes into the
    locale/ folder of the tree it scans whatever LOCALE_PATHS says (the project's own folder is always
    one), so the committed catalogues are kept and put back afterwards."""
    _needs_gettext()
    domains = ("django", "djangojs")
    committed = {domain: (CATALOGUES / f"{domain}.po").read_text(encoding="utf-8") for domain in domains}
    extracted = {}
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        ignore = [".venv", "node_modules", "tests", "bench", "staticfiles", "*/management/*"]
        call_command("makemessages", locale=["ru"], ignore_patterns=ignore, verbosity=0)
        call_command(
            "makemessages",
            domain="djangojs",
            locale=["ru"],
            ignore_patterns=[*ignore, "static/js/htmx*"],
            verbosity=0,
        )
        extracted = {domain: polib.pofile(str(CATALOGUES / f"{domain}.po")) for domain in domains}
    finally:
        os.chdir(cwd)
        for domain, text in committed.items():
            (CATALOGUES / f"{domain}.po").write_text(text, encoding="utf-8")
    for domain in domains:
        extracted_po, committed_po = extracted[domain], polib.pofile(committed[domain])
        assert [e.msgid for e in extracted_po.untranslated_entries()] == [], domain
        assert [e.msgid for e in extracted_po.fuzzy_entries()] == [], domain
        assert [e.msgid for e in extracted_po.obsolete_entries()] == [], f"{domain}: stale entries"
        assert {(e.msgctxt, e.msgid) for e in extracted_po if not e.obsolete} == {
            (e.msgctxt, e.msgid) for e in committed_po if not e.obsolete
        }, f"{domain}.po is not up to date: run make messages"
        assert extracted_po.metadata["Plural-Forms"].startswith("nplurals=3;")


def _english_ui_phrases() -> set[str]:
    """Phrases of the catalogue's English source texts (split at placeholders and tags), at least two
    words long, that the Russian text does not contain: any of them on a Russian page is untranslated."""
    phrases = set()
    for domain in ("django", "djangojs"):
        for entry in polib.pofile(str(CATALOGUES / f"{domain}.po")):
            translations = [entry.msgstr, *entry.msgstr_plural.values()]
            for source in (entry.msgid, entry.msgid_plural):
                for part in re.split(r"%\(\w+\)[sd]|%s|<[^>]+>|[“”«»()]", source or ""):
                    part = part.strip(" .,:;·?!—-")
                    if len(part.split()) >= 2 and not any(part in text for text in translations):
                        phrases.add(part)
    return phrases


# Attributes people hear or see: labels, placeholders, confirmations, texts the page's scripts show
# (data-hx-confirm, data-typing-text) and values (buttons); the Latin-run check reads only labels and
# buttons, since other values are slugs and flags such as aria-hidden="true".
SHOWN_ATTRIBUTES = r'(?:aria-[\w-]+|placeholder|title|alt|data-[\w-]*confirm|data-[\w-]*text|value)="([^"]*)"'
LABEL_ATTRIBUTES = r'(?:aria-label|placeholder|title|alt|(?<=type="submit" )value)="([^"]*)"'


def _visible_text(page: str, attributes: str = SHOWN_ATTRIBUTES) -> str:
    """The page's text (no scripts or styles) and the values of *attributes* (a regex with one group)."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return html.unescape(" ".join([re.sub(r"<[^>]+>", " ", page), *re.findall(attributes, page)]))


LATIN_RUN = re.compile(r"\b[A-Za-z]{2,}(?:[ ,]+[A-Za-z]{2,}){2,}\b")
# Latin text a Russian page may show: the brand, addresses and the demo's English user content.
ALLOWED_LATIN: set[str] = set()


@pytest.mark.django_db
def test_every_page_type_in_russian_has_no_english_ui_text(client):
    world = _world()
    people = {role: world[role] for role in ("buyer", "seller", "moderator", "newcomer")}
    phrases = _english_ui_phrases()
    assert "Write to seller" in phrases and "Make an offer" in phrases  # the check has teeth
    # User content (names, ad titles, messages) is English in the fixtures and is not UI text.
    user_text = {
        "Sam Seller",
        "Bea Buyer",
        "Mo Moderator",
        "Walnut sofa",
        "Hi, is the sofa available",
        "Yes, come and see it",
    }
    # Everything people typed in the fixtures (factories write English sentences).
    for model, fields in (
        (Ad, ("title", "description", "city")),
        (Message, ("body",)),
        (Category, ("name",)),
    ):
        for values in model.objects.values_list(*fields):
            user_text.update(value for value in values if value)
    for user in people.values():
        user_text.add(user.display_name)
    found = {}
    conversation = world["conversation"]
    admin_pages = [
        ("admin conversation", "moderator", f"/admin/chat/conversation/{conversation.pk}/change/", None),
        ("admin read a conversation", "moderator", f"/admin/chat/conversation/{conversation.pk}/read/", None),
    ]
    for name, who, url, action in [*_pages(world), *admin_pages]:
        client.logout()
        if who:
            client.force_login(people[who])
        if action == "submit":
            response = client.post(url, {}, HTTP_ACCEPT_LANGUAGE="ru")
        else:
            response = client.get(url, HTTP_ACCEPT_LANGUAGE="ru")
        assert response.status_code in (200, 400), (name, response.status_code)
        page = response.content.decode()
        if not url.startswith("/admin/"):
            assert '<html lang="ru">' in page, name
        text = _visible_text(page)
        for content in user_text:
            text = text.replace(content, " ")
        english = sorted(phrase for phrase in phrases if phrase in text)
        # Text never marked for translation is not in the catalogue: three English words in a row are.
        words = _visible_text(page, LABEL_ATTRIBUTES)
        for content in user_text:
            words = words.replace(content, " ")
        english += [run for run in LATIN_RUN.findall(words) if run not in ALLOWED_LATIN]
        if english:
            found[name] = english
    assert found == {}


def test_star_ratings_are_read_in_the_pages_language():
    from chat.templatetags.chat_tags import stars

    assert "4.5 out of 5 stars" in stars(4.5)
    with translation.override("ru"):
        assert "4,5 из 5" in stars(4.5) and "out of" not in stars(4.5)


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (1, "1 непрочитанное сообщение"),
        (2, "2 непрочитанных сообщения"),
        (5, "5 непрочитанных сообщений"),
        (11, "11 непрочитанных сообщений"),
        (21, "21 непрочитанное сообщение"),
        (24, "24 непрочитанных сообщения"),
    ],
)
def test_russian_plurals_take_three_forms(count, expected):
    with translation.override("ru"):
        text = translation.ngettext("%(count)s unread message", "%(count)s unread messages", count)
    assert text % {"count": count} == expected


def test_amounts_are_formatted_for_the_language():
    assert format_money(Decimal("7876.02")) == "$7,876.02"
    assert format_money(Decimal("1250")) == "$1,250"
    with translation.override("ru"):
        assert format_money(Decimal("7876.02")) == "7\xa0876,02 $"
        assert format_money(None) == "Цена по запросу"


@pytest.mark.django_db
def test_the_browser_language_then_the_switcher_choose_the_language(client, buyer):
    assert '<html lang="ru">' in client.get("/", HTTP_ACCEPT_LANGUAGE="ru-RU,ru;q=0.9").content.decode()
    assert '<html lang="en">' in client.get("/", HTTP_ACCEPT_LANGUAGE="en-GB").content.decode()

    client.force_login(buyer)
    response = client.post(reverse("accounts:set_language"), {"language": "ru", "next": "/chat/"})
    assert response.status_code == 302 and response["Location"] == "/chat/"
    buyer.refresh_from_db()
    assert buyer.language == "ru"  # kept for emails and push
    page = client.get("/chat/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="ru">' in page and "Чаты" in page  # the cookie wins over the browser

    # An unknown code changes nothing and still redirects.
    response = client.post(reverse("accounts:set_language"), {"language": "xx", "next": "/"})
    assert response.status_code == 302
    buyer.refresh_from_db()
    assert buyer.language == "ru"


@pytest.mark.django_db
def test_logging_in_restores_the_language_kept_on_the_profile(client, buyer):
    buyer.language = "ru"
    buyer.save(update_fields=["language"])
    client.post(reverse("accounts:login"), {"username": buyer.email, "password": TEST_PASSWORD})
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ru"


@pytest.mark.django_db
def test_notices_are_shown_in_the_readers_language(client, conversation, buyer, seller):
    offer = chat_services.offer_make(conversation=conversation, user=buyer, amount="400")
    chat_services.offer_accept(offer=offer, user=seller)
    client.force_login(buyer)
    english = client.get(conversation.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    russian = client.get(conversation.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Sam Seller accepted the offer of $400." in english
    assert "Sam Seller: предложение 400 $ принято." in russian
    assert "accepted the offer" not in russian


@pytest.mark.django_db
def test_unread_emails_and_push_go_out_in_the_recipients_language(conversation, buyer, seller):
    seller.language = "ru"
    seller.save(update_fields=["language"])
    row = conversation.participants.select_related(
        "conversation__buyer", "conversation__seller", "conversation__last_message"
    ).get(user=seller)
    assert payload_for(row)["body"] == "Walnut sofa: Hi! Is this still available?"
    chat_services.offer_make(conversation=conversation, user=buyer, amount="400")
    row = conversation.participants.select_related(
        "conversation__buyer", "conversation__seller", "conversation__last_message"
    ).get(user=seller)
    assert payload_for(row)["body"] == "Walnut sofa: Предлагает цену"

    mail.outbox.clear()
    email._send(seller, [row])
    assert mail.outbox[0].subject == "2 непрочитанных сообщения в 1 чате"
    assert "Здравствуйте, Sam Seller!" in mail.outbox[0].body


@pytest.mark.parametrize(
    ("code", "params", "expected"),
    [
        ("edit_window_closed", {"minutes": 1}, "в течение 1 минуты после"),
        ("edit_window_closed", {"minutes": 15}, "в течение 15 минут после"),
        ("review_too_few_messages", {"count": 1}, "хотя бы 1 сообщение."),
        ("review_too_few_messages", {"count": 3}, "хотя бы 3 сообщения."),
        ("review_too_early", {"hours": 1}, "через 1 час после"),
        ("review_too_early", {"hours": 24}, "через 24 часа после"),
        ("review_too_early", {"hours": 48}, "через 48 часов после"),
        ("review_window_closed", {"days": 21}, "в течение 21 дня после"),
        ("review_window_closed", {"days": 30}, "в течение 30 дней после"),
    ],
)
def test_refusals_with_a_number_take_its_russian_plural_form(code, params, expected):
    from django.core.exceptions import ValidationError

    from chat.errors import ERROR_MESSAGES, refusal_text

    assert "1 hour after" in refusal_text(
        ValidationError(ERROR_MESSAGES["review_too_early"], params={"hours": 1})
    )
    with translation.override("ru"):
        assert expected in refusal_text(ValidationError(ERROR_MESSAGES[code], params=params))


def test_russian_wording_keeps_suspension_report_and_last_seen_apart():
    """A moderator's suspension is not a person's block; the case page's heading is a noun; "last seen
    5 minutes ago" is not "online for 5 minutes"."""
    with translation.override("ru"):
        assert translation.gettext("Suspend %(name)s").startswith("Приостановить")
        assert "заблок" not in translation.gettext("Lift suspension").lower()
        assert translation.gettext("Block %(name)s").startswith("Заблокировать")
        assert translation.pgettext("case page heading: the report itself", "Report") == "Жалоба"
        assert translation.gettext("Report") == "Пожаловаться"
        assert translation.gettext("last seen %(when)s") == "был(а) в сети %(when)s"
