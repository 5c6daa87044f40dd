"""Optimistic sends and the offline outbox (static/js/outbox*.js, connection.js) in a real browser:
the bubble shows before the server answers; offline, messages wait in order and go once each when the
connection is back; a refusal comes back in place with its text; the offline banner comes and goes and the
other person's presence is not shown from stale data."""

import pytest
from django.utils import timezone
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from accounts import services as account_services
from chat import services as chat_services
from chat.models import Message
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_chat_flow import log_in
from tests.factories import AdFactory, CategoryFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WORDS = {
    "en": {
        "offline": "You're offline",
        "waiting": "Will send when online",
        "sending": "Sending…",
        "blocked": "You can't reply to this conversation.",
        "too_long": "at most 4000 characters",
        "online": "online",
        "edit": "Edit",
    },
    "ru": {
        "offline": "Нет связи",
        "waiting": "Отправится, когда появится связь",
        "sending": "Отправляется…",
        "blocked": "В этот чат нельзя ответить.",
        "too_long": "4000",
        "online": "в сети",
        "edit": "Изменить",
    },
}
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


def _open_conversation(browser, live_server, *, language="en", viewport="desktop"):
    """The buyer's page of a conversation with the seller (who is online), and both users."""
    seller = UserFactory(email="seller@example.com", display_name="Sam Seller")
    buyer = UserFactory(email="buyer@example.com", display_name="Bea Buyer", language=language)
    ad = AdFactory(owner=seller, category=CategoryFactory(), title="Walnut sofa")
    conversation, _ = chat_services.conversation_start(buyer=buyer, ad=ad, body="Hi! Is it available?")
    account_services.user_touch_last_seen(user_id=seller.pk, now=timezone.now())
    context = browser.new_context(
        viewport=VIEWPORTS[viewport], locale="ru-RU" if language == "ru" else "en-GB"
    )
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, live_server.url, "buyer@example.com")
    page.goto(f"{live_server.url}{conversation.get_absolute_url()}")
    return context, page, conversation, buyer, seller, errors


def _send(page, text):
    page.locator("#composer textarea").fill(text)
    page.locator("#composer textarea").press("Enter")


def _stored(conversation, buyer):
    return list(
        Message.objects.filter(conversation=conversation, sender=buyer)
        .order_by("id")
        .values_list("body", flat=True)
    )


@pytest.mark.parametrize(("language", "viewport"), [("en", "desktop"), ("ru", "phone"), ("ru", "desktop")])
def test_offline_three_messages_wait_and_are_stored_once_in_order_when_back(
    browser, live_server, language, viewport
):
    context, page, conversation, buyer, _, errors = _open_conversation(
        browser, live_server, language=language, viewport=viewport
    )
    words = WORDS[language]
    banner = page.locator("#offline-banner")
    status = page.locator("#participant-status")
    expect(banner).to_have_text("")
    expect(banner).to_have_attribute("role", "status")
    expect(status).to_contain_text(words["online"])

    context.set_offline(True)
    expect(banner).to_contain_text(words["offline"])
    expect(status).to_be_hidden()  # not "online" from before the connection went
    texts = ["Is it still there?", "Can I come at six?", "I'll bring cash."]
    for text in texts:
        _send(page, text)
        expect(page.locator("#composer textarea")).to_have_value("")  # ready for the next one at once
    pending = page.locator("#message-list .message--pending")
    expect(pending).to_have_count(3)
    for index, text in enumerate(texts):  # in the order typed, each saying it waits
        expect(pending.nth(index).locator(".message-body")).to_have_text(text)
        expect(pending.nth(index).locator(".outbox-state")).to_have_text(words["waiting"])
    page.screenshot(path=str(ARTIFACTS / f"outbox-offline-{language}-{viewport}.png"))
    assert _stored(conversation, buyer) == ["Hi! Is it available?"]

    context.set_offline(False)
    expect(pending).to_have_count(0)
    expect(banner).to_have_text("")
    for text in texts:  # each bubble replaced by the stored message, once
        expect(page.locator("#message-list .message[data-message-id]", has_text=text)).to_have_count(1)
    assert _stored(conversation, buyer) == ["Hi! Is it available?", *texts]
    expect(status).to_be_visible()
    expect(status).to_contain_text(words["online"])
    page.screenshot(path=str(ARTIFACTS / f"outbox-back-online-{language}-{viewport}.png"))
    page.reload()
    assert page.locator("#message-list .message--pending").count() == 0  # nothing left in the outbox
    assert errors == []


@pytest.mark.parametrize("language", ["en", "ru"])
def test_the_bubble_shows_before_the_answer_and_the_answer_replaces_it(browser, live_server, language):
    context, page, conversation, buyer, _, errors = _open_conversation(
        browser, live_server, language=language
    )
    held = []
    page.route("**/send/", lambda route: held.append(route))  # answered below, when the test says
    _send(page, "Can I pick it up tonight?")
    bubble = page.locator("#message-list .message--pending")
    expect(bubble).to_contain_text("Can I pick it up tonight?")
    expect(bubble).to_contain_text(WORDS[language]["sending"])
    expect(page.locator("#composer textarea")).to_have_value("")
    page.screenshot(path=str(ARTIFACTS / f"outbox-sending-{language}.png"))
    page.set_viewport_size(VIEWPORTS["phone"])
    page.screenshot(path=str(ARTIFACTS / f"outbox-sending-{language}-phone.png"))
    page.wait_for_timeout(50)
    assert len(held) == 1 and _stored(conversation, buyer) == ["Hi! Is it available?"]
    held[0].continue_()
    expect(bubble).to_have_count(0)
    expect(
        page.locator("#message-list .message[data-message-id]", has_text="Can I pick it up tonight?")
    ).to_have_count(1)
    assert _stored(conversation, buyer) == ["Hi! Is it available?", "Can I pick it up tonight?"]
    assert errors == []


def test_a_lost_answer_is_retried_under_the_same_key_and_survives_a_reload(browser, live_server):
    context, page, conversation, buyer, _, errors = _open_conversation(browser, live_server)
    answers = []

    def lose_every_answer(route):
        # The request reaches the server and is stored; the browser never sees the answer.
        try:
            answers.append(route.fetch().status)
            route.abort("connectionreset")
        except PlaywrightError:  # the page went (the reload) while the answer was on its way
            pass

    page.route("**/send/", lose_every_answer)
    _send(page, "Can I pick it up tonight?")
    bubble = page.locator("#message-list .message--pending")
    expect(bubble).to_contain_text("Not sent yet: trying again…")
    page.reload()  # the outbox is kept across a reload and tries again from there
    expect(bubble).to_contain_text("Can I pick it up tonight?")
    page.unroute("**/send/")
    expect(bubble).to_have_count(0, timeout=15000)
    assert answers and set(answers) == {200}
    assert _stored(conversation, buyer) == ["Hi! Is it available?", "Can I pick it up tonight?"]
    expect(
        page.locator("#message-list .message[data-message-id]", has_text="Can I pick it up tonight?")
    ).to_have_count(1)
    assert errors == []


@pytest.mark.parametrize("language", ["en", "ru"])
def test_a_refused_message_comes_back_in_place_with_its_text(browser, live_server, language):
    context, page, conversation, buyer, seller, errors = _open_conversation(
        browser, live_server, language=language
    )
    words = WORDS[language]
    # Too long: the text box's maxlength stops typing, not a script or an old browser.
    page.locator("#composer textarea").evaluate("(box) => { box.removeAttribute('maxlength'); }")
    _send(page, "x" * 4001)
    refused = page.locator("#message-list .message--failed")
    expect(refused.locator("[role=alert]")).to_contain_text(words["too_long"])
    expect(refused.locator(".message-body")).to_have_text("x" * 4001)

    context.set_offline(True)
    _send(page, "Still there?")
    _send(page, "Hello?")
    account_services.user_block(blocker=seller, blocked=buyer)  # while the buyer was offline
    context.set_offline(False)
    expect(refused).to_have_count(3)
    for text in ("Still there?", "Hello?"):
        failed = refused.filter(has_text=text)
        expect(failed.locator("[role=alert]")).to_have_text(words["blocked"])
    page.screenshot(path=str(ARTIFACTS / f"outbox-refused-{language}.png"))
    assert _stored(conversation, buyer) == ["Hi! Is it available?"]
    # Edit puts the text back in the composer; the refused bubble goes.
    refused.filter(has_text="Hello?").get_by_role("button", name=words["edit"]).click()
    expect(page.locator("#composer textarea")).to_have_value("Hello?")
    expect(refused).to_have_count(2)
    page.reload()  # refusals are kept, with their reason, until edited or deleted
    expect(page.locator("#message-list .message--failed")).to_have_count(2)
    assert errors == []
