"""A buyer searches with filters, saves the search, a matching ad is placed, the notifier runs once: the
Saved searches page says "1 new" and a Web Push reached the buyer's device (a push service on loopback),
in English and in Russian. Screenshots (desktop, 390 px) go to tests/e2e/artifacts and, with
SAVED_SCREENSHOTS set, to that folder too."""

import os
import re
import shutil
from decimal import Decimal

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from ads import search_alerts as alerts
from ads import services as ad_services
from ads.models import Ad, SavedSearch
from tests.chat.test_delivery_web_push import Device, PushService, push_service  # noqa: F401 - fixture
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_chat_flow import log_in
from tests.factories import CategoryFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# (words typed, the new ad's title, "Save this search", "1 new", "Show ads", the push title's start)
LANGUAGES = {
    "en": ("walnut", "Walnut dresser", "Save this search", "1 new", "Show ads", "New for"),
    "ru": (
        "ореха",
        "Комод из ореха",
        "Сохранить поиск",
        "1 новое",
        "Показать объявления",
        "Новое по запросу",
    ),
}


def _shot(page, name: str) -> None:
    path = ARTIFACTS / name
    page.screenshot(path=str(path), full_page=True)
    if os.environ.get("SAVED_SCREENSHOTS"):
        shutil.copy(path, os.environ["SAVED_SCREENSHOTS"])


@pytest.mark.parametrize("language", ["en", "ru"])
def test_save_a_search_then_a_new_matching_ad_is_announced(
    browser,
    live_server,
    push_service,  # noqa: F811 - the imported fixture
    monkeypatch,
    language,
):
    words, title, save_label, one_new, show_label, push_title = LANGUAGES[language]
    monkeypatch.setattr(alerts, "GRACE_S", 0)  # the ad below is placed a moment before the notifier runs
    furniture = CategoryFactory(slug="furniture", name="Furniture")  # transactional tests flush the seeds
    seller = UserFactory(email="seller@example.com", display_name="Sam Seller")
    buyer = UserFactory(email="buyer@example.com", display_name="Bea Buyer", language=language)
    device = Device(buyer, f"{push_service}/push/buyer-phone")
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="ru-RU" if language == "ru" else "en-US"
    )
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, live_server.url, "buyer@example.com")

    # Search with words and a filter (the URL carries them), then save the search from the list.
    page.goto(f"{live_server.url}/?q={words}&area=oakland")
    page.locator("#save-search summary", has_text=save_label).click()
    expect(page.locator("#save-search-name")).not_to_have_value("")
    _shot(page, f"saved-search-save-{language}-1280.png")
    page.locator("#save-search button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/searches/$"))
    saved = SavedSearch.objects.get(user=buyer)
    assert saved.query.startswith("q=") and saved.query.endswith("&area=oakland")
    expect(page.locator(".saved-search-new")).to_have_count(0)

    # A matching ad is placed, and one that does not match; the notifier runs once.
    ad_services.ad_create(
        owner=seller, category=furniture, title=title, price=Decimal("300"), area=Ad.Area.OAKLAND
    )
    ad_services.ad_create(
        owner=seller, category=furniture, title=title, price=Decimal("300"), area=Ad.Area.BERKELEY
    )
    call_command("notify_unread")

    page.reload()
    expect(page.locator(f"#saved-search-{saved.public_id} .saved-search-new")).to_have_text(one_new)
    _shot(page, f"saved-searches-{language}-1280.png")
    page.set_viewport_size({"width": 390, "height": 844})
    _shot(page, f"saved-searches-{language}-390.png")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways at 390 px ({width} px wide)"

    (request,) = PushService.received
    payload = device.decrypt(request["body"])
    assert payload["title"].startswith(push_title) and title in payload["body"]
    assert payload["url"].endswith("&area=oakland&sort=newest")

    # Opening the search shows its ads, newest first, and its "N new" starts again.
    page.locator(f"#saved-search-{saved.public_id} .saved-search-open button").click()
    expect(page.locator("#ad-results .ad-card-title")).to_have_text([title])
    page.go_back()
    page.reload()
    expect(page.locator(".saved-search-new")).to_have_count(0)
    expect(page.locator(f"#saved-search-{saved.public_id} .saved-search-open button")).to_contain_text(
        show_label
    )
    assert errors == []
