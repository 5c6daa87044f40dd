"""Views: offers through the pages and polls."""

import pytest
from django.urls import reverse

from chat import services
from chat.models import Message, Offer
from tests.conftest import HTMX, conversation_token, user_key

pytestmark = pytest.mark.django_db


def test_offer_flow_through_the_pages(login, conversation, buyer, seller, ad):
    response = login(buyer).post(reverse("chat:offer_make", args=[conversation.public_id]), {"amount": "400"})
    offer = Offer.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"#offer-{offer.id}")

    seller_client = login(seller)
    page = seller_client.get(conversation.get_absolute_url()).content.decode()
    assert f'id="offer-{offer.id}"' in page and ">Accept</button>" in page and ">Decline</button>" in page
    seller_client.post(reverse("chat:offer_act", args=[conversation.public_id, offer.id, "accept"]))
    offer.refresh_from_db()
    assert offer.status == "accepted"

    page = seller_client.get(conversation.get_absolute_url()).content.decode()
    assert ">Mark as sold</button>" in page
    response = seller_client.post(
        reverse("ads:mark_sold", args=[ad.public_id]), {"next": conversation.get_absolute_url()}
    )
    assert response["Location"] == conversation.get_absolute_url()
    conversation.refresh_from_db()
    assert conversation.ad_status == "sold"
    assert "badge--sold" in login(buyer).get(conversation.get_absolute_url()).content.decode()


def test_invalid_offer_keeps_the_typed_amount(login, conversation, buyer):
    response = login(buyer).post(reverse("chat:offer_make", args=[conversation.public_id]), {"amount": "-3"})
    body = response.content.decode()
    assert response.status_code == 400
    assert 'value="-3"' in body and "Enter an amount above 0" in body


def test_refused_offer_action_says_why(login, conversation, buyer, seller):
    offer = services.offer_make(conversation=conversation, buyer=buyer, amount="400")
    services.offer_withdraw(offer=offer, buyer=buyer)
    response = login(seller).post(
        reverse("chat:offer_act", args=[conversation.public_id, offer.id, "accept"]), follow=True
    )
    assert "This offer is already withdrawn." in response.content.decode()


def test_offer_urls_are_404_for_non_participants(login, conversation, buyer, stranger):
    offer = services.offer_make(conversation=conversation, buyer=buyer, amount="400")
    client = login(stranger)
    assert (
        client.post(reverse("chat:offer_make", args=[conversation.public_id]), {"amount": "1"}).status_code
        == 404
    )
    url = reverse("chat:offer_act", args=[conversation.public_id, offer.id, "accept"])
    assert client.post(url).status_code == 404
    assert (
        login(buyer)
        .post(reverse("chat:offer_act", args=[conversation.public_id, offer.id, "nope"]))
        .status_code
        == 404
    )


def test_poll_rerenders_a_decided_offer_card_out_of_band(login, conversation, buyer, seller, committed):
    offer = services.offer_make(conversation=conversation, buyer=buyer, amount="400")
    stamp = conversation_token(conversation, buyer)
    after = conversation.messages.latest("id").id
    with committed():
        services.offer_accept(offer=offer, seller=seller)
    body = (
        login(buyer)
        .get(
            reverse("chat:poll", args=[conversation.public_id]),
            {"token": stamp, "user_key": user_key(buyer), "after": after},
            headers=HTMX,
        )
        .content.decode()
    )
    assert f'<div class="offer" id="offer-{offer.id}" hx-swap-oob="true">' in body
    assert "accepted the offer of $400." in body
    assert Message.objects.filter(kind="system").count() == 1
