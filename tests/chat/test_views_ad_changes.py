"""Views: the ad's edits (price, title) as an open conversation shows them beside its snapshot."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from chat.models import Conversation, Offer
from tests.conftest import HTMX, poll_params, poll_url

pytestmark = pytest.mark.django_db


def _edit(seller, ad, *, price, title=None):
    """The seller saves the ad's edit form with *price* (and *title*) through the page."""
    client = Client()
    client.force_login(seller)
    response = client.post(
        reverse("ads:edit", args=[ad.public_id]),
        {"category": ad.category.pk, "title": title or ad.title, "description": "", "price": price},
    )
    assert response.status_code == 302


def test_a_lower_price_shows_beside_the_snapshot_and_offers_compare_with_it(
    login, conversation, buyer, seller, ad, committed
):
    client = login(buyer)
    client.get(conversation.get_absolute_url())
    assert "Price dropped" not in client.get(conversation.get_absolute_url()).content.decode()  # cached now

    with committed():
        _edit(seller, ad, price="80")

    page = client.get(conversation.get_absolute_url()).content.decode()
    assert '<span class="ad-snapshot-price">$450' in page  # the snapshot: what the talk started about
    assert "Price dropped to $80" in page
    assert "Your price (asking $80)" in page
    response = client.post(reverse("chat:offer_make", args=[conversation.public_id]), {"amount": "100"})
    assert response.status_code == 400
    assert "$100 is more than the asking price of $80. Send it anyway?" in response.content.decode()
    assert not Offer.objects.exists()
    stored = Conversation.objects.get(pk=conversation.pk)
    assert (stored.ad_price, stored.ad_current_price) == (Decimal("450"), Decimal("80"))


def test_a_higher_price_and_a_new_title_show_too_and_an_offer_up_to_it_needs_no_confirmation(
    login, conversation, buyer, seller, ad, committed
):
    with committed():
        _edit(seller, ad, price="520", title="Walnut sofa, 3 seats")

    client = login(buyer)
    page = client.get(conversation.get_absolute_url()).content.decode()
    assert ">Walnut sofa</a>" in page and "Title changed to “Walnut sofa, 3 seats”" in page
    assert "Price changed to $520" in page
    response = client.post(reverse("chat:offer_make", args=[conversation.public_id]), {"amount": "500"})
    assert response.status_code == 302 and Offer.objects.get().amount == 500


def test_an_open_page_gets_the_new_price_with_its_next_poll(
    login, conversation, buyer, seller, ad, committed
):
    client = login(buyer)
    client.get(conversation.get_absolute_url())
    params = {**poll_params(conversation, buyer, conversation.last_message_id), "offers": 1}

    with committed():
        _edit(seller, ad, price="80")

    response = client.get(poll_url(conversation), params, headers=HTMX)
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert "Price dropped to $80" in body  # the snapshot, out of band
    assert (
        '<label for="offer-amount" id="offer-asking" data-hx-swap-oob="true">Your price (asking $80)' in body
    )


def test_an_edit_that_keeps_title_and_price_changes_no_conversation(login, conversation, seller, ad):
    before = Conversation.objects.values_list("updated_at", flat=True).get(pk=conversation.pk)
    _edit(seller, ad, price="450")
    assert Conversation.objects.values_list("updated_at", flat=True).get(pk=conversation.pk) == before
