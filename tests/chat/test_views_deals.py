"""Views: counter-offers and the deal through the pages, and what the other buyers' pages show."""

import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from chat import services
from chat.models import Offer
from tests.conftest import HTMX, poll_params, poll_url
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _offer_url(conversation):
    return reverse("chat:offer_make", args=[conversation.public_id])


def _act_url(conversation, offer, action):
    return reverse("chat:offer_act", args=[conversation.public_id, offer.id, action])


def test_the_seller_counters_from_the_card_and_the_buyer_accepts(login, conversation, buyer, seller):
    offer = services.offer_make(conversation=conversation, user=buyer, amount="300")
    seller_client = login(seller)
    page = seller_client.get(conversation.get_absolute_url()).content.decode()
    assert f"Offer from {buyer.display_name}" in page and ">Counter-offer</a>" in page
    # Without JavaScript the card's link opens the page with the offer form open.
    page = seller_client.get(f"{conversation.get_absolute_url()}?counter={offer.id}").content.decode()
    assert re.search(r'<details class="offer-maker" id="offer-maker-details" open>', page)
    assert "Propose a price" in page

    seller_client.post(_offer_url(conversation), {"amount": "380"})
    counter = Offer.objects.get(status="pending")
    assert counter.counter_to_id == offer.id
    buyer_client = login(buyer)
    page = buyer_client.get(conversation.get_absolute_url()).content.decode()
    assert f"Counter-offer from {seller.display_name}" in page and "Answered with a counter-offer" in page
    buyer_client.post(_act_url(conversation, counter, "accept"))
    counter.refresh_from_db()
    assert counter.status == "accepted"


def test_an_offer_above_the_asking_price_asks_before_sending(login, conversation, buyer):
    client = login(buyer)
    response = client.post(_offer_url(conversation), {"amount": "600", "idempotency_key": "k" * 22})
    body = response.content.decode()
    assert response.status_code == 400 and not Offer.objects.exists()
    assert "$600 is more than the asking price of $450. Send it anyway?" in body
    assert 'name="confirm_above_asking" value="1">Send $600 anyway</button>' in body
    assert 'value="600"' in body
    response = client.post(
        _offer_url(conversation), {"amount": "600", "idempotency_key": "k" * 22, "confirm_above_asking": "1"}
    )
    assert response.status_code == 302 and Offer.objects.get().amount == 600


def test_reserving_from_the_chat_tells_the_seller_how_many_were_told(login, conversation, buyer, seller, ad):
    for _ in range(2):
        services.conversation_start(buyer=UserFactory(), ad=ad, body="Is it available?")
    offer = services.offer_accept(
        offer=services.offer_make(conversation=conversation, user=buyer, amount="400"), user=seller
    )
    client = login(seller)
    response = client.post(_act_url(conversation, offer, "reserve"))
    flashed = [str(message) for message in get_messages(response.wsgi_request)]
    assert flashed == [f"Reserved for {buyer.display_name}. 2 other conversations about it were told."]
    page = client.get(conversation.get_absolute_url()).content.decode()
    assert ">Release the reservation</button>" in page and ">Mark as sold</button>" in page
    assert "Reserve for" not in page
    assert login(buyer).get(conversation.get_absolute_url()).content.decode().count("Reserved for you") >= 1


def test_the_other_buyers_open_page_loses_the_offer_form_with_its_next_poll(
    login, conversation, buyer, seller, ad, committed
):
    other, _ = services.conversation_start(buyer=UserFactory(), ad=ad, body="Is it available?")
    client = login(other.buyer)
    page = client.get(other.get_absolute_url()).content.decode()
    assert 'id="offers-shown" value="1"' in page and "Make an offer" in page
    params = {**poll_params(other, other.buyer, other.last_message_id), "offers": 1}
    offer = services.offer_accept(
        offer=services.offer_make(conversation=conversation, user=buyer, amount="400"), user=seller
    )
    with committed():
        services.offer_reserve(offer=offer, user=seller)

    body = client.get(poll_url(other), params, headers=HTMX).content.decode()
    assert "This item has been reserved for another buyer." in body
    maker = body[body.index('id="offer-maker"') :]
    assert maker.startswith('id="offer-maker" class="offer-maker-slot" data-hx-swap-oob="true">')
    assert 'id="offers-shown" value="0"' in maker and "Make an offer" not in maker
    assert "badge--reserved" in body  # the snapshot, out of band
    # A page that already shows no form is left alone.
    params = {**poll_params(other, other.buyer, 0), "offers": 0}
    assert 'id="offer-maker"' not in client.get(poll_url(other), params, headers=HTMX).content.decode()


def test_reserved_ads_are_listed_marked_and_still_take_messages(
    login, client, conversation, buyer, seller, ad
):
    offer = services.offer_accept(
        offer=services.offer_make(conversation=conversation, user=buyer, amount="400"), user=seller
    )
    services.offer_reserve(offer=offer, user=seller)
    assert "badge--reserved" in client.get(reverse("ads:list")).content.decode()
    newcomer = UserFactory()
    newcomer_client = login(newcomer)
    page = newcomer_client.get(ad.get_absolute_url()).content.decode()
    assert "Reserved for a buyer. You can still write to the seller" in page and "Write to seller" in page
    response = newcomer_client.post(
        reverse("chat:start", args=[ad.public_id]), {"body": "Can I be next?", "idempotency_key": "n" * 22}
    )
    assert response.status_code == 302
    assert newcomer_client.get(response["Location"]).content.decode().count("badge--reserved") >= 1


def test_the_ad_page_sends_a_buyer_back_to_their_conversation(login, conversation, buyer, ad):
    client = login(buyer)
    page = client.get(ad.get_absolute_url()).content.decode()
    assert "You're already talking with the seller" in page
    assert f'href="{conversation.get_absolute_url()}">Open the conversation</a>' in page
    assert 'name="body"' not in page
    assert 'name="body"' in login(UserFactory()).get(ad.get_absolute_url()).content.decode()


def test_selling_from_a_second_conversation_is_refused_with_a_reason(login, conversation, buyer, seller, ad):
    other, _ = services.conversation_start(buyer=UserFactory(), ad=ad, body="Is it available?")
    offers = [
        services.offer_accept(
            offer=services.offer_make(conversation=c, user=c.buyer, amount="400"), user=seller
        )
        for c in (conversation, other)
    ]
    client = login(seller)
    client.post(_act_url(conversation, offers[0], "sell"), follow=True)  # its flash is shown

    response = client.post(_act_url(other, offers[1], "sell"))

    assert response.status_code == 302 and response["Location"].startswith(other.get_absolute_url())
    flashed = [str(message) for message in get_messages(response.wsgi_request)]
    assert flashed == ["This ad is already sold. Put it back on sale first."]
    ad.refresh_from_db()
    other.refresh_from_db()
    assert (ad.status, ad.buyer_id, other.deal_at) == ("sold", buyer.pk, None)
    assert (
        "marked this item as sold to" not in login(other.buyer).get(other.get_absolute_url()).content.decode()
    )


def test_removing_the_ad_closes_the_offers_and_says_so_in_the_conversation(
    login, conversation, buyer, seller, ad
):
    offer = services.offer_make(conversation=conversation, user=seller, amount="420")
    seller_client = login(seller)
    response = seller_client.post(reverse("ads:remove", args=[ad.public_id]), follow=True)
    # The ad page's change is announced (chat's receiver tells the conversations); its answer is not read,
    # so the flash does not count them.
    assert "Ad removed. Conversations about it are kept.</" in response.content.decode()

    client = login(buyer)
    page = client.get(conversation.get_absolute_url()).content.decode()
    assert "This ad was removed. Offers about it are closed." in page
    assert "Make an offer" not in page and ">Accept</button>" not in page
    response = client.post(_act_url(conversation, offer, "accept"))
    flashed = [str(message) for message in get_messages(response.wsgi_request)]
    assert flashed == ["This ad was removed, so offers about it are closed."]
    client.get(conversation.get_absolute_url())  # shows the flash
    response = client.post(_offer_url(conversation), {"amount": "400"})
    flashed = [str(message) for message in get_messages(response.wsgi_request)]
    assert flashed == ["This ad was removed, so offers about it are closed."]
    assert Offer.objects.get().status == "expired"
