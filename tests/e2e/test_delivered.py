"""Sent → delivered → read in two browsers through Pushpin, with the poll left at 30 s: the buyer's receipt
turns "delivered" when the seller's page fetches the message (the chat list) and "read" when the seller
opens the conversation. Screenshots of the three states: desktop, 390 px and Russian."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from chat import access
from chat import services as chat_services
from tests.e2e.test_chat_flow import log_in
from tests.e2e.test_live import pushpin  # noqa: F401 - the fixture
from tests.factories import AdFactory, CategoryFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHOTS = Path(os.environ.get("DELIVERED_SHOTS", "/tmp/delivered"))


def _people():
    buyer = UserFactory(email="buyer@example.com", display_name="Bea Buyer")
    seller = UserFactory(email="seller@example.com", display_name="Sam Seller")
    ad = AdFactory(owner=seller, category=CategoryFactory(), title="Walnut sofa")
    conversation, _ = chat_services.conversation_start(buyer=buyer, ad=ad, body="Hi! Is it available?")
    return conversation, buyer, seller


def _page(browser, base_url, email, *, width=1280, locale="en-US"):
    context = browser.new_context(viewport={"width": width, "height": 800}, locale=locale)
    page = context.new_page()
    log_in(page, base_url, email)
    return page


def test_the_sender_sees_delivered_then_read_without_a_poll(browser, live_server, pushpin, settings):  # noqa: F811
    settings.MARKETPLACE_POLL_INTERVAL_S = 30  # the fallback: too slow for what the test waits for
    conversation, _buyer, _seller = _people()
    first = conversation.messages.get()
    buyer_page = _page(browser, pushpin, "buyer@example.com")
    buyer_page.goto(f"{pushpin}{conversation.get_absolute_url()}")
    receipt = buyer_page.locator(f"#receipt-{first.id}")
    expect(receipt).to_have_attribute("title", "Sent")
    expect(receipt.locator(".visually-hidden")).to_have_text("Sent")
    buyer_page.wait_for_timeout(500)  # the stream is open

    # The seller's chat list fetches the message: delivered.
    seller_page = _page(browser, pushpin, "seller@example.com")
    seller_page.goto(f"{pushpin}/chat/")
    expect(receipt).to_have_attribute("title", "Delivered", timeout=2000)
    expect(receipt.locator(".visually-hidden")).to_have_text("Delivered")
    expect(receipt).not_to_have_class("receipt is-read")

    # The seller opens the conversation: read.
    seller_page.goto(f"{pushpin}{conversation.get_absolute_url()}")
    expect(receipt).to_have_attribute("title", "Read", timeout=2000)
    expect(receipt.locator(".visually-hidden")).to_have_text("Read")


def test_three_states_screenshots(browser, live_server):
    conversation, buyer, seller = _people()
    first = conversation.messages.get()
    second = chat_services.message_send(conversation=conversation, sender=buyer, body="Saturday works?")
    chat_services.message_send(conversation=conversation, sender=buyer, body="Or Sunday morning.")
    chat_services.conversation_mark_read(conversation=conversation, user=seller, up_to_message_id=first.id)
    seen = access.access_conversation(user=seller, public_id=conversation.public_id)
    chat_services.conversation_mark_delivered(conversation=seen, user=seller, messages=[second])
    SHOTS.mkdir(parents=True, exist_ok=True)
    for name, width, locale, words in (
        ("desktop", 1280, "en-US", ("Read", "Delivered", "Sent")),
        ("390px", 390, "en-US", ("Read", "Delivered", "Sent")),
        ("russian", 1280, "ru-RU", ("Прочитано", "Доставлено", "Отправлено")),
    ):
        page = _page(browser, live_server.url, "buyer@example.com", width=width, locale=locale)
        page.goto(f"{live_server.url}{conversation.get_absolute_url()}")
        receipts = page.locator("#message-list .receipt")
        expect(receipts).to_have_count(3)
        assert [receipts.nth(i).get_attribute("title") for i in range(3)] == list(words)
        page.screenshot(path=str(SHOTS / f"receipts-{name}.png"))
        page.context.close()


def test_presence_changes_at_once_when_the_other_side_opens_and_closes_the_site(
    browser,
    live_server,
    pushpin,  # noqa: F811
    settings,
):
    from django.core.cache import cache

    from accounts.middleware import last_seen_cache_key

    settings.MARKETPLACE_POLL_INTERVAL_S = 30  # and the presence poll is every 60 s: neither helps here
    conversation, _buyer, seller = _people()
    # The shared cache may remember an earlier test's user with the same id.
    cache.delete_many([last_seen_cache_key(seller.pk), f"accounts:away-written:{seller.pk}"])
    buyer_page = _page(browser, pushpin, "buyer@example.com")
    buyer_page.goto(f"{pushpin}{conversation.get_absolute_url()}")
    status = buyer_page.locator("#participant-status")
    expect(status).to_have_text("not seen recently")
    buyer_page.wait_for_timeout(500)  # the stream is open

    seller_page = _page(browser, pushpin, "seller@example.com")  # logging in is the first request
    expect(status).to_have_text("online", timeout=2000)
    buyer_page.screenshot(path=str(SHOTS / "presence-online.png"))

    seller_page.goto("about:blank")  # leaving the site: the pagehide beacon
    expect(status).to_contain_text("last seen", timeout=2000)
    buyer_page.screenshot(path=str(SHOTS / "presence-last-seen.png"))
