"""A buyer finds ads with words and filters (live results, shareable URL, back button) and saves one to
their favourites, in English and in Russian. Screenshots (desktop and 390 px) go to tests/e2e/artifacts."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from ads import services as ad_services
from ads.models import Ad, Favourite
from marketplace.images import placeholder_photo
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_chat_flow import log_in
from tests.factories import CategoryFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# (locale, the words typed, the title found, the condition's label, "Filters", "Favourites" heading)
LANGUAGES = {
    "en": ("walnut", "Walnut sofa", "Good", "Filters", "Favourites"),
    "ru": ("ореха", "Диван из ореха", "Хорошее", "Фильтры", "Избранное"),
}


def _ads(seller, title: str, other_title: str) -> Ad:
    furniture = CategoryFactory(slug="furniture", name="Furniture")  # transactional tests flush the seeds
    wanted = ad_services.ad_create(
        owner=seller,
        category=furniture,
        title=title,
        description="Three seats, solid frame.",
        price=Decimal("450"),
        condition=Ad.Condition.GOOD,
        area=Ad.Area.OAKLAND,
        photos=[placeholder_photo(text="Sofa", seed=3)],
    )
    ad_services.ad_create(
        owner=seller, category=furniture, title=other_title, price=Decimal("1200"), condition=Ad.Condition.NEW
    )
    ad_services.ad_create(owner=seller, category=furniture, title="Oak chair", price=Decimal("80"))
    return wanted


@pytest.mark.parametrize("language", ["en", "ru"])
def test_search_with_filters_then_save_to_favourites(browser, live_server, language):
    words, title, condition, filters_label, favourites_heading = LANGUAGES[language]
    seller = UserFactory(email="seller@example.com", display_name="Sam Seller")
    buyer = UserFactory(email="buyer@example.com", display_name="Bea Buyer", language=language)
    wanted = _ads(seller, title, f"{title} XL" if language == "en" else "Стол из ореха")
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="ru-RU" if language == "ru" else "en-US"
    )
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, live_server.url, "buyer@example.com")
    page.goto(f"{live_server.url}/")
    cards = page.locator("#ad-results .ad-card-title")
    expect(cards).to_have_count(3)

    # Typing narrows the list live; the URL follows with only the fields that are set.
    page.locator("#id_q").fill(words)
    expect(page).to_have_url(re.compile(r"/\?q=[^&]+$"))
    expect(cards).to_have_count(2)
    after_words = page.url

    # Filters: condition and a price ceiling; still live, still in the URL.
    page.locator("details.filters > summary", has_text=filters_label).click()
    page.locator("#id_condition").select_option(label=condition)
    expect(cards).to_have_count(1)
    expect(page).to_have_url(re.compile(r"condition=good$"))
    after_condition = page.url
    page.locator("#id_price_max").fill("500")
    expect(page).to_have_url(re.compile(r"condition=good.*price_max=500|price_max=500.*condition=good"))
    expect(cards).to_have_text([title])
    filtered = page.url
    page.screenshot(path=str(ARTIFACTS / f"search-filters-{language}-1280.png"), full_page=True)

    # The heart: a toggle button, pressed after the click, focus kept on it through the swap.
    heart = page.locator(f"#favourite-{wanted.public_id}")
    expect(heart).to_have_attribute("aria-pressed", "false")
    heart.focus()
    page.keyboard.press("Enter")
    expect(page.locator(f"#favourite-{wanted.public_id}")).to_have_attribute("aria-pressed", "true")
    expect(page.locator(f"#favourite-{wanted.public_id}")).to_be_focused()
    assert Favourite.objects.filter(user=buyer, ad=wanted).exists()

    # Back, step by step: the list and the form as they were at each step; forward again: filtered.
    page.go_back()
    expect(page).to_have_url(after_condition)
    expect(page.locator("#id_price_max")).to_have_value("")
    expect(page.locator("#id_condition")).to_have_value("good")
    page.go_back()
    expect(page).to_have_url(after_words)
    expect(cards).to_have_count(2)
    expect(page.locator("#id_condition")).to_have_value("")
    expect(page.locator("#id_q")).to_have_value(words)
    # One step at a time: each step asks the server again, and two restores in flight can land in either
    # order (htmx does not cancel the first), which left the earlier step's form shown once in CI.
    page.go_forward()
    expect(page).to_have_url(after_condition)
    expect(page.locator("#id_condition")).to_have_value("good")
    page.go_forward()
    expect(page).to_have_url(filtered)
    expect(page.locator("#id_price_max")).to_have_value("500")

    # The shared link opens the same results in a fresh page; the heart is shown pressed.
    other = context.new_page()
    other.set_viewport_size({"width": 390, "height": 844})
    other.goto(filtered)
    expect(other.locator("#ad-results .ad-card-title")).to_have_text([title])
    expect(other.locator(f"#favourite-{wanted.public_id}")).to_have_attribute("aria-pressed", "true")
    other.screenshot(path=str(ARTIFACTS / f"search-filters-{language}-390.png"), full_page=True)

    # The Favourites page lists it; the seller sees one person saved it.
    other.goto(f"{live_server.url}/favourites/")
    expect(other.locator("h1")).to_have_text(favourites_heading)
    expect(other.locator(".ad-card-title")).to_have_text([title])
    other.screenshot(path=str(ARTIFACTS / f"favourites-{language}-390.png"), full_page=True)
    assert errors == []
