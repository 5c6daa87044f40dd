"""Views: offers through the pages and polls."""

import re

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
    name = buyer.display_name
    assert f">Reserve for {name}</button>" in page and f">Mark as sold to {name}</button>" in page
    response = seller_client.post(reverse("chat:offer_act", args=[conversation.public_id, offer.id, "sell"]))
    assert response["Location"].endswith(f"#offer-{offer.id}")
    conversation.refresh_from_db()
    assert conversation.ad_status == "sold" and conversation.deal_at is not None
    buyer_page = login(buyer).get(conversation.get_absolute_url()).content.decode()
    assert "Sold to you" in buyer_page
    assert f"marked this item as sold to {name}." in buyer_page


def test_invalid_offer_keeps_the_typed_amount(login, conversation, buyer):
    response = login(buyer).post(reverse("chat:offer_make", args=[conversation.public_id]), {"amount": "-3"})
    body = response.content.decode()
    assert response.status_code == 400
    assert 'value="-3"' in body and "Enter an amount above 0" in body


def test_refused_offer_action_says_why(login, conversation, buyer, seller):
    offer = services.offer_make(conversation=conversation, user=buyer, amount="400")
    services.offer_withdraw(offer=offer, user=buyer)
    response = login(seller).post(
        reverse("chat:offer_act", args=[conversation.public_id, offer.id, "accept"]), follow=True
    )
    assert "This offer is already withdrawn." in response.content.decode()


def test_offer_urls_are_404_for_non_participants(login, conversation, buyer, stranger):
    offer = services.offer_make(conversation=conversation, user=buyer, amount="400")
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
    offer = services.offer_make(conversation=conversation, user=buyer, amount="400")
    client = login(buyer)
    page = client.get(conversation.get_absolute_url()).content.decode()
    changes = re.search(r'id="message-change-seq" value="(\d+)"', page).group(1)
    token = conversation_token(conversation, buyer)
    card = conversation.messages.latest("id")
    with committed():
        services.offer_accept(offer=offer, user=seller)
    params = {"token": token, "user_key": user_key(buyer), "after": card.id, "change_seq": changes}
    body = client.get(reverse("chat:poll", args=[conversation.public_id]), params, headers=HTMX)
    body = body.content.decode()
    # The card comes back once, as its changed message, without the Withdraw button.
    item = body[body.index(f'id="message-{card.id}"') :]
    item = item[: item.index("</li>")]
    assert 'data-hx-swap-oob="true"' in item and "Accepted" in item and "Withdraw" not in item
    assert body.count(f'id="offer-{offer.id}"') == 1
    assert "accepted the offer of $400." in body
    assert Message.objects.filter(kind="system").count() == 1
