"""Organising the chats in a browser: pin three from the list (htmx), label one and filter by it, and the
new-message sound, which plays only once turned on in the chat settings."""

import re

import pytest
from playwright.sync_api import expect

from chat import services as chat_services
from chat.models import Conversation
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_chat_flow import log_in
from tests.factories import AdFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Counts HTMLMediaElement.play calls in the page (Playwright's init scripts run before the page's own).
SPY_ON_PLAY = """
window.__plays = 0;
const play = HTMLMediaElement.prototype.play;
HTMLMediaElement.prototype.play = function () {
  window.__plays += 1;
  return play.call(this).catch(function () {});
};
"""


def _seller_with_buyers(names):
    seller = UserFactory(email="seller@example.com", display_name="Sam Seller", language="")
    for index, name in enumerate(names):
        buyer = UserFactory(display_name=name)
        ad = AdFactory(owner=seller, title=f"Item {index + 1}")
        chat_services.conversation_start(buyer=buyer, ad=ad, body=f"Hello from {name}")
    return seller


def _names(page, selector):
    return [
        text.replace("📌", "").replace("Pinned:", "").replace("Закреплён:", "").strip()
        for text in page.locator(f"{selector} .row-name").all_inner_texts()
    ]


def test_pin_three_label_one_and_hear_a_new_message(browser, live_server, settings):
    settings.MARKETPLACE_POLL_INTERVAL_S = 1
    names = ["Ann", "Ben", "Cat", "Dan", "Eve", "Fay"]
    _seller_with_buyers(names)
    base = live_server.url
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.add_init_script(SPY_ON_PLAY)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, base, "seller@example.com")
    page.goto(f"{base}/chat/")
    assert _names(page, ".conversation-rows") == list(reversed(names))

    # Pin three with the rows' pin buttons (htmx swaps the list): the latest pin on top.
    for name in ("Ben", "Dan", "Ann"):
        row = page.locator(".conversation-item", has_text=name).first
        row.hover()
        row.locator(".row-pin-button").click()
        expect(page.locator(".conversation-rows--pinned")).to_contain_text(name)
    assert _names(page, ".conversation-rows--pinned") == ["Ann", "Dan", "Ben"]
    assert _names(page, ".conversation-rows:not(.conversation-rows--pinned)") == ["Fay", "Eve", "Cat"]
    page.screenshot(path=str(ARTIFACTS / "pinned-list-1280x800.png"))

    # Label one from its menu (a plain form page) and filter the list by the label.
    page.locator(".conversation-row", has_text="Eve").click()
    page.locator(".conversation-header summary").click()
    page.locator(".conversation-header .menu-panel a", has_text="Labels").click()
    page.fill("#id_new_label", "to ship")
    page.locator("main button[type=submit]", has_text="Save").click()
    expect(page.locator(".flash")).to_contain_text("Labels saved.")
    page.locator(".label-filters a", has_text="to ship").click()
    expect(page).to_have_url(re.compile(r"/chat/\?label=\d+"))
    assert _names(page, "#conversation-list") == ["Eve"]

    # The sound is off by default: a new message plays nothing.
    page.goto(f"{base}/chat/")
    eve = Conversation.objects.get(buyer__display_name="Eve")
    chat_services.message_send(conversation=eve, sender=eve.buyer, body="Still there?")
    expect(page.locator(".conversation-item", has_text="Eve").locator(".row-unread")).to_be_visible()
    assert page.evaluate("window.__plays") == 0

    # Turn it on in the chat settings (from the account menu), then open Ann's conversation: a message
    # in Fay's (another conversation) plays it once.
    page.locator(".site-nav summary").click()
    page.locator(".site-nav .menu-panel a", has_text="Chat settings").click()
    page.check("#id_chat_sound")
    assert page.evaluate("window.__plays") == 1  # ticking it plays a preview: the user's gesture
    page.locator("[data-chat-settings] button[type=submit]").click()
    expect(page.locator(".flash")).to_contain_text("Chat settings saved.")
    ann = Conversation.objects.get(buyer__display_name="Ann")
    page.goto(f"{base}{ann.get_absolute_url()}")
    page.locator("#message-scroller").click()  # a gesture on this page: audio is unlocked
    fay = Conversation.objects.get(buyer__display_name="Fay")
    chat_services.message_send(conversation=fay, sender=fay.buyer, body="Can I come today?")
    expect(page.locator("body")).to_have_attribute("data-chat-sound-played", "1", timeout=10_000)
    assert page.evaluate("window.__plays") == 1
    assert errors == []


def test_pinned_list_on_a_phone_in_russian(browser, live_server):
    seller = _seller_with_buyers(["Аня", "Борис", "Вера", "Глеб"])
    for conversation in Conversation.objects.filter(seller=seller).order_by("pk")[:2]:
        chat_services.conversation_set_pinned(conversation=conversation, user=seller, pinned=True)
    label = chat_services.label_create(user=seller, name="продано")
    chat_services.conversation_set_labels(
        conversation=Conversation.objects.get(buyer__display_name="Аня"), user=seller, label_ids=[label.pk]
    )
    page = browser.new_context(viewport={"width": 390, "height": 844}, locale="ru-RU").new_page()
    log_in(page, live_server.url, "seller@example.com")
    page.goto(f"{live_server.url}/chat/")
    expect(page.locator("#pinned-title")).to_have_text("Закреплённые")
    assert _names(page, ".conversation-rows--pinned") == ["Борис", "Аня"]
    expect(page.locator(".label-filters")).to_contain_text("продано")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(ARTIFACTS / "pinned-list-ru-390x844.png"))
    page.goto(f"{live_server.url}/chat/settings/")
    expect(page.locator("h1")).to_have_text("Настройки чатов")
    page.screenshot(path=str(ARTIFACTS / "chat-settings-ru-390x844.png"), full_page=True)
