"""The deal in three browsers: the buyer offers, the seller counters, the buyer accepts, the seller reserves;
another buyer's open chat is told and loses its offer form; the seller sells; after the gate both review,
and the seller's public profile shows the averages and the response time."""

import re

import pytest
from playwright.sync_api import expect

from ads.models import Ad
from chat.models import Offer, Review
from tests.chat.test_services_reputation import talked
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_message_actions import _open
from tests.factories import AdFactory, CategoryFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 740}


def test_counter_offer_reserve_tell_sell_and_review(browser, live_server, settings):
    settings.MARKETPLACE_POLL_INTERVAL_S = 1
    seller = UserFactory(email="seller@example.com", display_name="Sam Seller")
    buyer = UserFactory(email="buyer@example.com", display_name="Bea Buyer")
    other_buyer = UserFactory(email="other@example.com", display_name="Olly Other")
    category = CategoryFactory(slug="furniture", name="Furniture")
    ad = AdFactory(owner=seller, category=category, title="Walnut sofa", price=450)
    # History the gate and the response time need: Bea's conversation started two days ago (both wrote
    # twice), Olly's today; four more of Sam's buyers got answers within minutes.
    conversation = talked(buyer, ad, reply_after_s=10 * 60)
    olly = talked(other_buyer, ad, days_ago=0, each=1)
    other_ad = AdFactory(owner=seller, category=category, title="Oak table", price=120)
    for _ in range(4):
        talked(UserFactory(), other_ad, reply_after_s=5 * 60, each=1)

    buyer_context, buyer_page = _open(
        browser, live_server, buyer.email, conversation.get_absolute_url(), DESKTOP
    )
    seller_context, seller_page = _open(
        browser, live_server, seller.email, conversation.get_absolute_url(), DESKTOP
    )
    other_context, other_page = _open(browser, live_server, other_buyer.email, olly.get_absolute_url(), PHONE)
    errors = []
    for page in (buyer_page, seller_page, other_page):
        page.on("pageerror", lambda error: errors.append(str(error)))

    # The buyer offers 380.
    buyer_page.click("summary:has-text('Make an offer')")
    buyer_page.fill("#offer-amount", "380")
    buyer_page.click("text=Send offer")
    expect(buyer_page.locator(".offer").last).to_contain_text("Your offer")

    # The seller's open page gets the card by its poll and answers with a counter-offer.
    card = seller_page.locator(".offer", has_text="$380")
    expect(card).to_contain_text("Offer from Bea Buyer")
    card.locator("[data-counter-offer]").click()
    expect(seller_page.locator("#offer-amount")).to_be_focused()
    seller_page.fill("#offer-amount", "420")
    seller_page.keyboard.press("Enter")
    expect(seller_page.locator(".offer", has_text="$420")).to_contain_text("Your counter-offer")

    # The buyer's first card loses its Withdraw button by the poll; she accepts the counter-offer.
    first = buyer_page.locator(".offer", has_text="$380")
    expect(first).to_contain_text("Answered with a counter-offer")
    expect(first.locator("text=Withdraw offer")).to_have_count(0)
    counter = buyer_page.locator(".offer", has_text="$420")
    expect(counter).to_contain_text("Counter-offer from Sam Seller")
    counter.locator("button:has-text('Accept')").click()
    expect(buyer_page.locator(".offer", has_text="$420")).to_contain_text("Accepted")

    # The seller reserves it for her; the flash says one other conversation was told.
    seller_page.reload()
    seller_page.click("button:has-text('Reserve for Bea Buyer')")
    expect(seller_page.locator(".flash").first).to_contain_text(
        "Reserved for Bea Buyer. 1 other conversation about it was told."
    )
    expect(seller_page.locator("#ad-snapshot")).to_contain_text("Reserved")

    # Olly's open chat (a phone) is told, its snapshot says Reserved and the offer form is gone.
    expect(other_page.locator("#message-list")).to_contain_text(
        "This item has been reserved for another buyer."
    )
    expect(other_page.locator("#ad-snapshot")).to_contain_text("Reserved")
    expect(other_page.locator("#offer-maker summary")).to_have_count(0)
    other_page.screenshot(path=str(ARTIFACTS / "deal-other-buyer-told-360x740.png"))
    expect(buyer_page.locator("#ad-snapshot")).to_contain_text("Reserved for you")

    # Sold: Olly is told again.
    seller_page.click(".offer button:has-text('Mark as sold')")
    expect(other_page.locator("#message-list")).to_contain_text("This item has been sold.")
    assert Ad.objects.get(pk=ad.pk).status == "sold"
    assert Offer.objects.get(amount=420).counter_to.amount == 380
    seller_page.screenshot(path=str(ARTIFACTS / "deal-seller-sold-1280x800.png"))

    # Both review from the prompt in their conversation.
    for page, stars in ((buyer_page, ("5", "4")), (seller_page, ("5", "5"))):
        page.goto(f"{live_server.url}{conversation.get_absolute_url()}")
        page.click("text=Leave a review")
        page.check(f"input[name=reliability][value='{stars[0]}']")
        page.check(f"input[name=friendliness][value='{stars[1]}']")
        page.fill("#id_text", "Quick and friendly, as agreed.")
        page.click("button:has-text('Send review')")
        expect(page.locator(".flash").first).to_contain_text("Your review of")
    assert Review.objects.published().count() == 2

    # The seller's profile, reached from the ad page, shows the averages and the response time.
    other_page.goto(f"{live_server.url}{ad.get_absolute_url()}")
    expect(other_page.locator(".reputation")).to_contain_text("Usually replies within an hour")
    other_page.click("text=Sam Seller's profile")
    expect(other_page).to_have_url(re.compile(r"/users/[0-9A-Za-z_-]{10}/"))
    summary = other_page.locator(".review-summary")
    expect(summary).to_contain_text("Reliability")
    expect(summary).to_contain_text("5.0")
    expect(summary).to_contain_text("from 1 review")
    expect(other_page.locator(".profile-header")).to_contain_text("Usually replies within an hour")
    other_page.screenshot(path=str(ARTIFACTS / "deal-profile-360x740.png"), full_page=True)
    # The profile itself fits; the logged-in header's own overflow at 360 px is issue 14's.
    width = other_page.evaluate("document.querySelector('.profile-page').scrollWidth")
    assert width <= 360 - 2 * 12, f"the profile is wider than a 360 px phone ({width} px)"
    assert errors == []
    for context in (buyer_context, seller_context, other_context):
        context.close()
