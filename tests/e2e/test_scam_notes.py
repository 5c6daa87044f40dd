"""In a real browser: a scam note in Russian and one in English, each with its "Why am I seeing this?"
link to the help page's section, and the strongest signal folded behind "Show message"."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from chat import services
from chat.models import Conversation
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_chat_flow import log_in
from tests.factories import AdFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _conversation_with(scam_text: str, *, seller_language: str, buyer_email: str, seller_email: str):
    seller = UserFactory(email=seller_email, display_name="Sam Seller", language=seller_language)
    buyer = UserFactory(email=buyer_email, display_name="Bea Buyer")
    conversation, _ = services.conversation_start(
        buyer=buyer, ad=AdFactory(owner=seller, title="Road bike"), body="Hi! Is this still available?"
    )
    # An established conversation with an old account: the note shows, the message is not folded.
    old = timezone.now() - timedelta(days=400)
    type(buyer).objects.filter(pk=buyer.pk).update(date_joined=old)
    Conversation.objects.filter(pk=conversation.pk).update(created_at=old)
    services.message_send(conversation=conversation, sender=buyer, body=scam_text)
    return conversation


def test_scam_notes_in_russian_and_english_with_their_help_links(browser, live_server):
    russian = _conversation_with(
        "Переведите задаток на карту, и я придержу для вас. Код из смс продиктуйте.",
        seller_language="ru",
        buyer_email="buyer-ru@example.com",
        seller_email="seller-ru@example.com",
    )
    english = _conversation_with(
        "I'll mail a cashier's check for more, refund the difference to my mover. Pay: bit.ly/3xSafeDeal",
        seller_language="en",
        buyer_email="buyer-en@example.com",
        seller_email="seller-en@example.com",
    )

    page = browser.new_context(viewport={"width": 390, "height": 844}, locale="ru-RU").new_page()
    log_in(page, live_server.url, "seller-ru@example.com")
    page.goto(f"{live_server.url}{russian.get_absolute_url()}")
    note = page.locator(".safety-note").last
    expect(note).to_contain_text("Совет по безопасности")
    expect(note).to_contain_text("Залог незнакомцу")
    expect(note).to_contain_text("Никому не сообщайте коды из СМС")
    why = note.locator(".safety-note-why", has_text="Почему я это вижу?")
    expect(why).to_have_count(3)  # payment, deposit, code_request
    expect(why.nth(1)).to_have_attribute("href", re.compile(r"/chat/safety/#deposit$"))
    expect(note.locator("button", has_text="Пожаловаться на сообщение")).to_be_visible()
    note.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "scam-note-ru-390x844.png"), full_page=False)
    page.goto(live_server.url + why.nth(1).get_attribute("href"))
    expect(page.locator("#deposit h2")).to_have_text("Залог, чтобы придержать вещь")
    page.screenshot(path=str(ARTIFACTS / "scam-help-ru-390x844.png"), full_page=False)

    page = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-US").new_page()
    log_in(page, live_server.url, "seller-en@example.com")
    page.goto(f"{live_server.url}{english.get_absolute_url()}")
    note = page.locator(".safety-note").last
    expect(note).to_contain_text("Safety tip")
    expect(note).to_contain_text("Never refund an “overpayment”")
    expect(note).to_contain_text("This link leads off the marketplace")
    why = note.locator(".safety-note-why", has_text="Why am I seeing this?")
    expect(why).to_have_count(2)  # overpayment, link
    expect(why.first).to_have_attribute("href", re.compile(r"/chat/safety/#overpayment$"))
    page.screenshot(path=str(ARTIFACTS / "scam-note-en-1280x800.png"), full_page=False)

    # One click on "Report this message" files a scam report and comes back with a thank-you.
    note.locator("button", has_text="Report this message").click()
    expect(page.locator(".messages, .flash, [role=status]").first).to_contain_text("A moderator will look")

    page.goto(f"{live_server.url}/chat/safety/#link")
    expect(page.locator("#link h2")).to_have_text("Links to payment or “safe deal” pages")
    page.screenshot(path=str(ARTIFACTS / "scam-help-en-1280x800.png"), full_page=False)


def test_a_code_request_from_a_new_account_is_folded_behind_show_message(browser, live_server):
    seller = UserFactory(email="seller@example.com", display_name="Sam Seller")
    buyer = UserFactory(email="buyer@example.com", display_name="Bea Buyer")
    conversation, _ = services.conversation_start(
        buyer=buyer, ad=AdFactory(owner=seller, title="Road bike"), body="Hi! Is this still available?"
    )
    services.message_send(
        conversation=conversation, sender=buyer, body="To confirm you're real, send me the code from the SMS"
    )
    page = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-US").new_page()
    log_in(page, live_server.url, "seller@example.com")
    page.goto(f"{live_server.url}{conversation.get_absolute_url()}")
    held = page.locator(".message-held").last
    expect(held.locator("summary")).to_have_text("Show message")
    expect(held.locator(".message-body")).to_be_hidden()
    expect(page.locator(".safety-note--hold")).to_contain_text("This message looks like a scam")
    page.screenshot(path=str(ARTIFACTS / "scam-held-390x844.png"), full_page=False)
    held.locator("summary").click()
    expect(held.locator(".message-body")).to_contain_text("send me the code from the SMS")
