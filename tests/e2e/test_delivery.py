"""Exactly once in a browser: the answer to a send is lost, the outbox sends it again: one message."""

import pytest
from playwright.sync_api import expect

from chat import services as chat_services
from chat.models import Message
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_chat_flow import log_in
from tests.factories import AdFactory, CategoryFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_send_whose_answer_was_lost_is_stored_once_when_sent_again(browser, live_server):
    buyer = UserFactory(email="buyer@example.com", display_name="Bea Buyer")
    ad = AdFactory(category=CategoryFactory(), title="Walnut sofa")
    conversation, _ = chat_services.conversation_start(buyer=buyer, ad=ad, body="Hi! Is it available?")
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    log_in(page, live_server.url, "buyer@example.com")
    page.goto(f"{live_server.url}{conversation.get_absolute_url()}")

    lost = []

    def lose_the_first_answer(route):
        # The request reaches the server and is stored; the browser never sees the answer.
        if not lost:
            lost.append(route.fetch().status)
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route("**/send/", lose_the_first_answer)
    composer = page.locator("#composer textarea")
    composer.fill("Can I pick it up tonight?")
    composer.press("Enter")
    # The outbox keeps the message, with its key, and says so in its bubble; the composer is free.
    waiting = page.locator("#message-list .message--pending")
    expect(waiting).to_contain_text("Can I pick it up tonight?")
    expect(composer).to_have_value("")
    expect(waiting.locator(".outbox-state")).to_have_text("Not sent yet: trying again…")
    page.screenshot(path=str(ARTIFACTS / "send-answer-lost-390x844.png"))
    assert lost == [200]
    assert Message.objects.filter(body="Can I pick it up tonight?").count() == 1

    # Tried again by itself under the same key: the server answers with the stored message.
    expect(waiting).to_have_count(0, timeout=10000)
    stored = page.locator("#message-list .message[data-message-id]", has_text="Can I pick it up tonight?")
    expect(stored).to_have_count(1)
    assert Message.objects.filter(body="Can I pick it up tonight?").count() == 1
    page.screenshot(path=str(ARTIFACTS / "send-again-once-390x844.png"))
    context.close()
