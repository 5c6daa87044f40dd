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
