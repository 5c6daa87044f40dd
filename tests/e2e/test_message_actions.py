"""Message actions in two browsers: the buyer edits, the seller replies to a specific message, the buyer
reacts and deletes within the window; the other side's open page shows each by its poll; after the
window the actions are gone."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from chat import services as chat_services
from chat.models import Message, MessageReaction
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_chat_flow import log_in
from tests.factories import AdFactory, CategoryFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _open(browser, live_server, email, url, viewport):
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    log_in(page, live_server.url, email)
    page.goto(f"{live_server.url}{url}")
    return context, page


def _menu(page, message):
    """Open the ⋯ menu of *message* and return the message's row."""
    row = page.locator(f"#message-{message.id}")
    row.locator(".message-actions-toggle").click()
    return row


def test_edit_reply_react_and_delete_reach_the_other_side(browser, live_server, settings):
    settings.MARKETPLACE_POLL_INTERVAL_S = 1
    buyer = UserFactory(email="buyer@example.com", display_name="Bea Buyer")
    seller = UserFactory(email="seller@example.com", display_name="Sam Seller")
    ad = AdFactory(owner=seller, category=CategoryFactory(), title="Walnut sofa")
    conversation, _ = chat_services.conversation_start(buyer=buyer, ad=ad, body="Hi! Is it available?")
    url = conversation.get_absolute_url()
    buyer_context, buyer_page = _open(
        browser, live_server, "buyer@example.com", url, {"width": 1280, "height": 800}
    )
    seller_context, seller_page = _open(
        browser, live_server, "seller@example.com", url, {"width": 390, "height": 844}
    )

    # The buyer asks, sees the typo, edits it; the seller's open page shows the new text marked "edited".
    composer = buyer_page.locator("#composer textarea")
    composer.fill("Is the sofa 200 cm long?")
    composer.press("Enter")
    expect(buyer_page.locator("#message-list .message--own[data-message-id]").last).to_contain_text("200 cm")
    question = Message.objects.get(body="Is the sofa 200 cm long?")
    expect(seller_page.locator(f"#message-{question.id}")).to_contain_text("200 cm")
    _menu(buyer_page, question).get_by_role("link", name="Edit").click()
    expect(buyer_page.locator("#composer")).to_contain_text("Editing your message")
    expect(composer).to_be_focused()
    expect(composer).to_have_value("Is the sofa 200 cm long?")
    composer.fill("How long is the sofa?")
    composer.press("Enter")
    expect(buyer_page.locator(f"#message-{question.id}")).to_contain_text("How long is the sofa?")
    expect(buyer_page.locator("#composer")).not_to_contain_text("Editing your message")
    seller_question = seller_page.locator(f"#message-{question.id}")
    expect(seller_question).to_contain_text("How long is the sofa?")
    expect(seller_question.locator(".message-edited")).to_contain_text("edited")
    expect(seller_question).not_to_contain_text("200 cm")

    # The seller replies to that message; the buyer sees the quote and the reply.
    _menu(seller_page, question).get_by_role("link", name="Reply").click()
    seller_composer = seller_page.locator("#composer textarea")
    expect(seller_page.locator("#composer")).to_contain_text("Replying to Bea Buyer")
    expect(seller_composer).to_be_focused()
    seller_composer.fill("210 cm, and the legs unscrew.")
    seller_composer.press("Enter")
    expect(seller_page.locator("#composer")).not_to_contain_text("Replying to")
    expect(seller_page.locator("#message-list .message--own[data-message-id]").last).to_contain_text("210 cm")
    reply = Message.objects.get(body="210 cm, and the legs unscrew.")
    assert reply.reply_to_id == question.id
    buyer_reply = buyer_page.locator(f"#message-{reply.id}")
    expect(buyer_reply.locator(".reply-quote")).to_contain_text("How long is the sofa?")
    seller_page.screenshot(path=str(ARTIFACTS / "message-actions-seller-replied-390x844.png"))

    # The buyer reacts to the reply; the seller sees who reacted.
    _menu(buyer_page, reply).get_by_role("button", name="👍").click()
    expect(buyer_reply.locator(".reaction.is-mine")).to_contain_text("You")
    # The menu closed with the re-rendered message; the focus is back on its ⋯ button, not lost.
    expect(buyer_reply.locator(".message-actions-toggle")).to_be_focused()
    expect(seller_page.locator(f"#message-{reply.id} .reaction")).to_contain_text("Bea Buyer")
    assert MessageReaction.objects.get(message=reply).emoji == "👍"
    # The seller adds ❤️; the buyer presses that reaction under the bubble with the keyboard (it replaces
    # their 👍, so the ❤️ moves to first place): the message re-renders and the focus stays on the ❤️.
    chat_services.message_react(message=reply, user=seller, emoji="❤️")
    heart = buyer_reply.locator(".reaction", has_text="❤️")
    expect(heart).to_contain_text("Sam Seller")
    heart.focus()
    buyer_page.keyboard.press("Enter")
    expect(heart).to_contain_text("You and Sam Seller")
    expect(heart).to_be_focused()

    # The buyer sends to the wrong person and deletes it for everyone within the window.
    composer.fill("Sorry, meant for another seller: can you do $300?")
    composer.press("Enter")
    expect(buyer_page.locator("#message-list .message--own[data-message-id]").last).to_contain_text(
        "another seller"
    )
    wrong = Message.objects.get(body__startswith="Sorry, meant")
    expect(seller_page.locator(f"#message-{wrong.id}")).to_contain_text("another seller")
    buyer_page.once("dialog", lambda dialog: dialog.accept())
    _menu(buyer_page, wrong).get_by_role("button", name="Delete for everyone").click()
    expect(buyer_page.locator(f"#message-{wrong.id}")).to_contain_text("Message deleted")
    expect(seller_page.locator(f"#message-{wrong.id}")).to_contain_text("Message deleted")
    expect(seller_page.locator(f"#message-{wrong.id}")).not_to_contain_text("another seller")
    buyer_page.screenshot(path=str(ARTIFACTS / "message-actions-buyer-1280x800.png"))
    seller_page.screenshot(path=str(ARTIFACTS / "message-actions-seller-390x844.png"))

    # After the window, the buyer's menu offers only Reply and reactions.
    Message.objects.filter(pk=question.pk).update(created_at=question.created_at - timedelta(minutes=16))
    settings.MARKETPLACE_FRAGMENT_CACHE_S = 0
    buyer_page.reload()
    row = _menu(buyer_page, question)
    expect(row.get_by_role("link", name="Reply")).to_be_visible()
    expect(row.get_by_role("link", name="Edit")).to_have_count(0)
    expect(row.get_by_role("button", name="Delete for everyone")).to_have_count(0)
    buyer_page.screenshot(path=str(ARTIFACTS / "message-actions-after-window-1280x800.png"))
    buyer_context.close()
    seller_context.close()


def test_a_quote_of_a_message_on_an_earlier_page_loads_it(browser, live_server, settings):
    settings.MARKETPLACE_MESSAGES_PAGE_SIZE = 5
    buyer = UserFactory(email="quote-buyer@example.com")
    ad = AdFactory(category=CategoryFactory(), title="Trek bike")
    conversation, _ = chat_services.conversation_start(buyer=buyer, ad=ad, body="Is the frame size M?")
    original = conversation.messages.get()
    for n in range(12):
        chat_services.message_send(conversation=conversation, sender=ad.owner, body=f"filler {n}")
    chat_services.message_send(
        conversation=conversation, sender=ad.owner, body="Yes, M.", reply_to_id=original.id
    )
    context, page = _open(
        browser,
        live_server,
        "quote-buyer@example.com",
        conversation.get_absolute_url(),
        {"width": 1280, "height": 800},
    )
    expect(page.locator(f"#message-{original.id}")).to_have_count(0)  # three pages back

    page.locator(".reply-quote").last.click()

    expect(page.locator(f"#message-{original.id}")).to_be_in_viewport()
    expect(page.locator(f"#message-{original.id}")).to_have_class("message message--own is-highlighted")
    context.close()
