"""A buyer in Russian, with the keyboard only (Tab, Shift+Tab, Enter, Space, Escape and typing): writes to
the seller from the ad page, sends, opens and closes the conversation menu, makes an offer and reports the
conversation; focus is asserted after every step, poll and swap. Screenshots (desktop and phone, Russian)
go to tests/e2e/artifacts."""

import re

import pytest
from playwright.sync_api import expect

from chat import services as chat_services
from chat.models import Conversation
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_chat_flow import log_in
from tests.factories import AdFactory, CategoryFactory, UserFactory
from tests.test_i18n import _english_ui_phrases, _visible_text

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

FOCUSED = """() => {
  const el = document.activeElement;
  return el ? (el.getAttribute('aria-label') || el.innerText || el.value || el.id || el.tagName).trim() : '';
}"""


def _tab_to(page, matches, *, backwards=False, limit=80):
    """Press Tab (Shift+Tab with *backwards*) until the focused element's name matches *matches* (a
    regex); fail if it never does."""
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        if re.search(matches, page.evaluate(FOCUSED)):
            return
    raise AssertionError(f"Tab never reached {matches!r}")


def _focused(page) -> str:
    return page.evaluate(FOCUSED)


def _no_english(page):
    text = _visible_text(page.content())
    for content in ("Sam Seller", "Bea Buyer", "Walnut sofa"):
        text = text.replace(content, " ")
    assert sorted(phrase for phrase in _english_ui_phrases() if phrase in text) == []


def test_a_russian_buyer_writes_offers_and_reports_with_the_keyboard_only(browser, live_server, settings):
    settings.MARKETPLACE_POLL_INTERVAL_S = 1
    seller = UserFactory(email="seller@example.com", display_name="Sam Seller", language="ru")
    UserFactory(email="buyer@example.com", display_name="Bea Buyer")
    ad = AdFactory(
        owner=seller,
        category=CategoryFactory(slug="furniture", name="Furniture"),
        title="Walnut sofa",
        price=450,
    )
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="ru-RU")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, live_server.url, "buyer@example.com")

    # The ad page: Tab to "Написать продавцу" and press Enter; the suggested first message is Russian.
    page.goto(f"{live_server.url}{ad.get_absolute_url()}")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.locator("#id_body")).to_have_value("Здравствуйте! Ещё продаётся?")
    expect(page.locator(".ad-card-meta").first).to_contain_text("Мебель")
    _no_english(page)
    _tab_to(page, r"^Написать продавцу$")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/chat/[0-9A-Za-z]{10}/"))
    conversation = Conversation.objects.get()
    composer = page.locator("#composer textarea")
    expect(composer).to_be_focused()  # ready to type, also after the redirect to "#message-1"

    # Near the 4,000-character limit the composer says how much is left (hidden before).
    counter = page.locator("#composer-count [aria-hidden]")
    expect(counter).to_be_hidden()
    composer.fill("а" * 3650)
    expect(counter).to_have_text("Осталось 350 символов")
    composer.fill("а" * 3999)
    expect(counter).to_have_text("Остался 1 символ")
    composer.fill("")
    composer.focus()

    # Type and send with Enter: the message shows, the composer is empty and still has focus.
    page.keyboard.type("Можно посмотреть в субботу?")
    page.keyboard.press("Enter")
    expect(page.locator("#message-list .message--own[data-message-id]").last).to_contain_text(
        "Можно посмотреть в субботу?"
    )
    expect(composer).to_have_value("")
    expect(composer).to_be_focused()

    # The seller answers; the poll brings it while the buyer is typing, and focus and text stay.
    page.keyboard.type("И ещё вопрос")
    chat_services.message_send(conversation=conversation, sender=seller, body="Да, приходите.")
    expect(page.locator("#message-list")).to_contain_text("Да, приходите.", timeout=5000)
    expect(composer).to_be_focused()
    expect(composer).to_have_value("И ещё вопрос")
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")

    # The conversation menu: Shift+Tab back to it, Enter opens it, Escape closes it with focus on it.
    _tab_to(page, r"^Меню чата$", backwards=True)
    page.keyboard.press("Enter")
    expect(page.locator("#conversation details.menu")).to_have_attribute("open", "")
    page.keyboard.press("Tab")
    assert _focused(page) == "conversation-search-q"  # the search in this conversation comes first
    page.keyboard.press("Tab")
    assert _focused(page) == "Найти"
    page.keyboard.press("Tab")
    assert _focused(page) == "Открыть объявление"
    page.keyboard.press("Escape")
    expect(page.locator("#conversation details.menu")).not_to_have_attribute("open", "")
    assert _focused(page) == "Меню чата"
    page.screenshot(path=str(ARTIFACTS / "ru-chat-1280x800.png"))

    # The offer: Tab to "Предложить цену", Space opens it, type the amount, Tab to send, Enter.
    _tab_to(page, r"^Предложить цену$")
    page.keyboard.press("Space")
    expect(page.locator("#offer-maker-details")).to_have_attribute("open", "")
    _tab_to(page, r"^offer-amount$|^$")
    expect(page.locator("#offer-amount")).to_be_focused()
    page.keyboard.type("400")
    _tab_to(page, r"^Отправить предложение$")
    page.keyboard.press("Enter")
    card = page.locator("#message-list .bubble--offer").last
    expect(card).to_contain_text("Ваше предложение")
    expect(card).to_contain_text("400 $")
    assert _focused(page) not in ("", "BODY")  # the swap did not drop focus to <body>
    _no_english(page)

    # The seller declines; the buyer's poll shows the notice in Russian (the seller's own language too).
    chat_services.offer_decline(offer=conversation.offers.get(), user=seller)
    expect(page.locator("#message-list")).to_contain_text(
        "Sam Seller: предложение 400 $ отклонено.", timeout=5000
    )

    # Report the conversation from the menu: Enter on the link, a reason with Space, send with Enter.
    _tab_to(page, r"^Меню чата$", backwards=True)
    page.keyboard.press("Enter")
    _tab_to(page, r"^Пожаловаться на чат$")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Пожаловаться на чат")
    _no_english(page)
    _tab_to(page, r"^spam$")  # the first reason's radio (its value names it)
    page.keyboard.press("Space")
    expect(page.locator("input[value=spam]")).to_be_checked()
    _tab_to(page, r"^Отправить жалобу$")
    page.keyboard.press("Enter")
    expect(page.locator(".flash-messages")).to_contain_text("Спасибо! Модератор рассмотрит вашу жалобу.")
    context.close()

    # The same conversation on a 360 px phone, in Russian, for the screenshots the note refers to.
    phone = browser.new_context(viewport={"width": 360, "height": 740}, locale="ru-RU").new_page()
    log_in(phone, live_server.url, "buyer@example.com")
    phone.goto(f"{live_server.url}{conversation.get_absolute_url()}")
    expect(phone.locator("#message-list")).to_contain_text("Да, приходите.")
    phone.screenshot(path=str(ARTIFACTS / "ru-chat-360x740.png"))
    phone.goto(f"{live_server.url}/chat/")
    phone.screenshot(path=str(ARTIFACTS / "ru-chat-list-360x740.png"))
    phone.context.close()
    assert errors == []


def test_texts_the_scripts_make_are_russian_too(browser, live_server):
    """What static/js writes or asks (the characters-left count, the photos attached, the delete
    confirmation) comes from the JavaScript catalogue, like the server's texts."""
    from tests.conftest import make_image_bytes
    from tests.e2e.test_accessibility import _world

    world = _world()
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="ru-RU")
    page = context.new_page()
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    log_in(page, live_server.url, "seller@example.com")
    page.goto(f"{live_server.url}{world['conversation'].get_absolute_url()}")
    page.locator("#composer textarea").fill("x" * 3950)
    expect(page.locator("#composer-count")).to_be_visible()
    page.set_input_files(
        ".composer-file", files=[{"name": "a.jpg", "mimeType": "image/jpeg", "buffer": make_image_bytes()}]
    )
    expect(page.locator(".composer-files")).not_to_be_empty()
    page.locator(".message--own .message-actions-toggle").last.click()
    page.locator(".message--own .message-actions[open] .link-button--danger").click()
    page.wait_for_timeout(300)
    assert len(asked) == 1
    text = _visible_text(page.content()) + " " + " ".join(asked)
    for content in (
        "Sam Seller",
        "Bea Buyer",
        "Walnut sofa",
        "Yes, come and see it",
        "Hi, is the sofa available",
    ):
        text = text.replace(content, " ")
    assert sorted(phrase for phrase in _english_ui_phrases() if phrase in text) == [], asked
    context.close()
