"""Browser: a seller's away message (once, styled as a notice) and own quick replies; search inside one
conversation jumping to a match on an earlier page. Screenshots of the search go to /tmp/away/."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from chat import services
from tests.e2e.test_chat_flow import log_in
from tests.factories import AdFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/away")


def _people():
    seller = UserFactory(email="seller@example.com", display_name="Sam Seller")
    buyer = UserFactory(email="buyer@example.com", display_name="Bea Buyer")
    ad = AdFactory(owner=seller, title="Blue city bicycle")
    conversation, _ = services.conversation_start(buyer=buyer, ad=ad, body="Hi! Is this still available?")
    return seller, buyer, conversation


def test_away_message_once_and_own_quick_replies(browser, live_server):
    seller, buyer, conversation = _people()
    base = live_server.url
    seller_page = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    buyer_page = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    errors = []
    for page in (seller_page, buyer_page):
        page.on("pageerror", lambda error: errors.append(str(error)))

    log_in(seller_page, base, "seller@example.com")
    seller_page.goto(f"{base}/chat/settings/away/")
    seller_page.check("#id_enabled")
    seller_page.fill("#id_text", "On holiday until Monday.")
    seller_page.click("text=Save away message")
    expect(seller_page.locator("#away-settings")).to_contain_text("On: buyers who write to you")
    SHOTS.mkdir(exist_ok=True)
    seller_page.set_viewport_size({"width": 390, "height": 844})
    seller_page.screenshot(path=str(SHOTS / "settings-390.png"), full_page=True)

    log_in(buyer_page, base, "buyer@example.com")
    buyer_page.goto(f"{base}{conversation.get_absolute_url()}")
    composer = buyer_page.locator("#composer textarea")
    for text in ("Hello?", "Are you there?"):
        composer.fill(text)
        composer.press("Enter")
        expect(buyer_page.locator("#message-list .message--own").last).to_contain_text(text)
    away = buyer_page.locator("#message-list .message--system")
    expect(away).to_have_count(1)
    expect(away.locator(".system-note")).to_contain_text(
        "Automatic reply from Sam Seller: On holiday until Monday."
    )
    buyer_page.screenshot(path=str(SHOTS / "away-message.png"))
    buyer_page.reload()
    expect(buyer_page.locator("#message-list .message--system")).to_have_count(1)
    assert conversation.messages.filter(notice="away").count() == 1

    # The seller's own quick replies replace the defaults in the composer.
    seller_page.goto(f"{base}{conversation.get_absolute_url()}")
    expect(seller_page.locator(".quick-reply").first).to_have_text("Yes, it's available.")
    seller_page.click("text=Edit quick replies")
    seller_page.fill("#id_reply_0", "Pickup after 6 pm.")
    seller_page.fill("#id_reply_1", "")
    seller_page.fill("#id_reply_2", "Cash only, please.")
    seller_page.click("text=Save quick replies")
    seller_page.goto(f"{base}{conversation.get_absolute_url()}")
    expect(seller_page.locator(".quick-reply")).to_have_text(["Pickup after 6 pm.", "Cash only, please."])
    seller_page.click("text=Cash only, please.")
    expect(seller_page.locator("#composer textarea")).to_have_value("Cash only, please.")
    assert errors == []


def _long_history(conversation, buyer, seller):
    early = services.message_send(
        conversation=conversation, sender=seller, body="The bicycle has a new chain"
    )
    for n in range(130):
        services.message_send(
            conversation=conversation, sender=seller if n % 2 else buyer, body=f"Message {n}"
        )
    services.message_send(conversation=conversation, sender=buyer, body="Does the bicycle come with lights?")
    return early


@pytest.mark.parametrize(
    ("name", "viewport", "locale"),
    [("desktop", (1280, 800), "en-US"), ("phone-390", (390, 844), "en-US"), ("russian", (390, 844), "ru-RU")],
)
def test_search_in_a_conversation_jumps_to_an_earlier_match(browser, live_server, name, viewport, locale):
    seller, buyer, conversation = _people()
    early = _long_history(conversation, buyer, seller)
    base = live_server.url
    context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]}, locale=locale)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, base, "buyer@example.com")
    page.goto(f"{base}{conversation.get_absolute_url()}")
    expect(page.locator(f"#message-{early.id}")).to_have_count(0)  # not on the latest page
    page.click(".conversation-header summary")
    page.fill("#conversation-search-q", "bicycle")
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"menu-{name}.png"))
    page.press("#conversation-search-q", "Enter")
    summary = page.locator("#conversation-matches .matches-summary")
    expect(summary).to_have_text(re.compile("2 matches|2 совпадения"))
    expect(page.locator("[data-search-position]")).to_have_text(re.compile("1 (of|из) 2"))
    page.locator("[data-search-step='1']").click()
    target = page.locator(f"#message-{early.id}")
    expect(target).to_be_visible(timeout=10000)
    expect(target).to_be_in_viewport()
    expect(page.locator("[data-search-position]")).to_have_text(re.compile("2 (of|из) 2"))
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"search-{name}.png"))
    if locale == "ru-RU":
        expect(page.locator("#conversation-matches")).to_contain_text("Закрыть поиск")
    assert errors == []
