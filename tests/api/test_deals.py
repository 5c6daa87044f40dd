"""API: the deal and the ad's changes as a conversation sees them (sold twice, removed, price changed)."""

import pytest

from ads import services as ad_services
from chat import services
from chat.models import Offer

pytestmark = pytest.mark.django_db


def conv_url(conversation, rest=""):
    return f"/api/v1/conversations/{conversation.public_id}/{rest}"


def test_offers_on_a_removed_ad_are_refused_with_a_code(token_client, buyer, seller, conversation, ad):
    offer = services.offer_make(conversation=conversation, user=seller, amount="420")
    ad_services.ad_remove(ad=ad, user=seller)
    client = token_client(buyer)

    accepted = client.post(conv_url(conversation, f"offers/{offer.id}/accept/"))
    made = client.post(conv_url(conversation, "offers/"), {"amount": "400"}, format="json")

    assert accepted.status_code == 400 and accepted.json()["code"] == "offer_ad_removed"
    assert made.status_code == 400 and made.json()["code"] == "offer_ad_removed"
    assert list(Offer.objects.values_list("status", flat=True)) == ["expired"]


def test_the_snapshot_keeps_the_old_price_beside_the_current_one(
    token_client, buyer, seller, conversation, ad
):
    ad_services.ad_update(
        ad=ad,
        user=seller,
        category=ad.category,
        title="Walnut sofa, 3 seats",
        description="",
        price=80,
        city="",
    )
    client = token_client(buyer)

    snapshot = client.get(conv_url(conversation)).json()["ad"]
    above = client.post(conv_url(conversation, "offers/"), {"amount": "100"}, format="json")

    assert (snapshot["title"], snapshot["price"]) == ("Walnut sofa", "450.00")
    assert (snapshot["current_title"], snapshot["current_price"]) == ("Walnut sofa, 3 seats", "80.00")
    assert above.status_code == 400 and above.json()["code"] == "offer_above_asking"
    assert "asking price of $80" in above.json()["message"]
