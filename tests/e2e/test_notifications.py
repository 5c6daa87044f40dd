"""The notification centre in a browser: a buyer saves an ad, the seller drops its price, the notifier
runs, and the buyer's bell shows 1; the centre lists the price drop; opening it goes to the ad and marks
it read. In English and in Russian; screenshots (desktop, 390 px) go to tests/e2e/artifacts (and to
/tmp/notify when it exists)."""

import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from ads import alerts
from ads import services as ad_services
from notifications import kinds
from notifications.models import Notification
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_chat_flow import log_in
from tests.factories import CategoryFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# (locale, the centre's heading, the price drop's text)
LANGUAGES = {
    "en": ("Notifications", "Price drop: “Walnut sofa” now costs $400 (was $450)"),
    "ru": ("Уведомления", "Снижение цены: «Walnut sofa» теперь стоит 400 $ (было 450 $)"),
}


def _shot(page, name: str) -> None:
    path = ARTIFACTS / name
    page.screenshot(path=str(path), full_page=True)
    if Path("/tmp/notify").is_dir():
        shutil.copy(path, Path("/tmp/notify") / name)


@pytest.mark.parametrize("language", ["en", "ru"])
def test_a_favourites_price_drop_reaches_the_bell_and_the_centre(browser, live_server, language):
    heading, text = LANGUAGES[language]
    seller = UserFactory(email="seller@example.com", display_name="Sam Seller")
    UserFactory(email="buyer@example.com", display_name="Bea Buyer", language=language)
    furniture = CategoryFactory(slug="furniture", name="Furniture")
    ad = ad_services.ad_create(owner=seller, category=furniture, title="Walnut sofa", price=Decimal("450"))
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="ru-RU" if language == "ru" else "en-US"
    )
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, live_server.url, "buyer@example.com")

    # The buyer saves the ad; the bell shows nothing yet.
    page.goto(f"{live_server.url}{ad.get_absolute_url()}")
    page.locator(f"#favourite-{ad.public_id}").click()
    expect(page.locator(f"#favourite-{ad.public_id}")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#notification-count")).to_be_hidden()

    # The seller drops the price; the notifier's pass tells who saved it.
    ad_services.ad_update(
        ad=ad, user=seller, category=furniture, title=ad.title, description="", price=Decimal("400"), city=""
    )
    assert alerts.favourite_alerts_send() == 1

    # The bell refreshes when the tab comes back (or on its hint / poll): 1, and the tab title counts it.
    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    expect(page.locator("#notification-count [aria-hidden]")).to_have_text("1")
    expect(page).to_have_title(re.compile(r"^\(1\) "))
    _shot(page, f"notifications-bell-{language}-1280.png")

    # The centre lists the price drop, unread.
    page.locator(".site-nav .nav-bell").click()
    expect(page.locator("main h1")).to_have_text(heading)
    item = page.locator(".notification--unread .notification-text")
    expect(item).to_have_text(text)
    _shot(page, f"notifications-centre-{language}-1280.png")
    page.set_viewport_size({"width": 390, "height": 844})
    _shot(page, f"notifications-centre-{language}-390.png")
    page.set_viewport_size({"width": 1280, "height": 900})

    # Opening it goes to the ad and marks it read: the bell is empty again.
    item.click()
    expect(page).to_have_url(f"{live_server.url}{ad.get_absolute_url()}")
    expect(page.locator("#notification-count")).to_be_hidden()
    assert Notification.objects.get().read_at is not None
    page.goto(f"{live_server.url}/notifications/")
    expect(page.locator(".notification--unread")).to_have_count(0)
    expect(page.locator(".notification-text")).to_have_text(text)
    page.set_viewport_size({"width": 390, "height": 844})
    page.locator(".notification-actions a").click()
    # The settings: centre, email and Web Push for every kind.
    expect(page.locator("main table input[type=checkbox]")).to_have_count(3 * len(kinds.KINDS))
    _shot(page, f"notifications-settings-{language}-390.png")
    assert errors == []
