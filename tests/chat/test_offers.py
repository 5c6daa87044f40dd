from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from ads import services as ad_services
from chat import services
from chat.models import Message, Offer
from tests.conftest import conversation_token, user_key

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


def test_buyer_makes_an_offer_that_appears_as_a_card(conversation, buyer, seller):
    offer = services.offer_make(conversation=conversation, buyer=buyer, amount="400")
    assert offer.amount == Decimal("400.00") and offer.status == "pending"
    assert offer.expires_at - offer.created_at == timedelta(hours=48)
    card = conversation.messages.latest("id")
    assert (card.kind, card.offer, card.body) == ("offer", offer, "Offer: $400")
    assert conversation.participants.get(user=seller).unread_count == 2


def test_a_new_offer_replaces_the_pending_one(conversation, buyer):
    first = services.offer_make(conversation=conversation, buyer=buyer, amount="350")
    second = services.offer_make(conversation=conversation, buyer=buyer, amount="375.50")
    first.refresh_from_db()
    assert first.status == "replaced" and second.status == "pending"
    assert Offer.objects.filter(conversation=conversation, status="pending").count() == 1


@pytest.mark.parametrize("amount", ["0", "-5", "abc", "10.001", "99999999", "", "NaN", "Infinity"])
def test_offer_amounts_must_be_sane(conversation, buyer, amount):
    with pytest.raises(ValidationError) as error:
        services.offer_make(conversation=conversation, buyer=buyer, amount=amount)
    assert error.value.code == "offer_amount"
    assert not Offer.objects.exists()


def test_offer_amount_accepts_currency_formatting(conversation, buyer):
    assert services.offer_make(conversation=conversation, buyer=buyer, amount=" $1,250.5 ").amount == Decimal(
        "1250.50"
    )


def test_the_seller_cannot_offer_and_strangers_cannot_touch_offers(conversation, seller, buyer, stranger):
    with pytest.raises(ValidationError) as error:
        services.offer_make(conversation=conversation, buyer=seller, amount="10")
    assert error.value.code == "offer_not_buyer"
    with pytest.raises(PermissionDenied):
        services.offer_make(conversation=conversation, buyer=stranger, amount="10")
    offer = services.offer_make(conversation=conversation, buyer=buyer, amount="10")
    with pytest.raises(PermissionDenied):
        services.offer_accept(offer=offer, seller=stranger)
    with pytest.raises(ValidationError) as error:
        services.offer_accept(offer=offer, seller=buyer)
    assert error.value.code == "offer_not_seller"
    with pytest.raises(ValidationError) as error:
        services.offer_withdraw(offer=offer, buyer=seller)
    assert error.value.code == "offer_not_own"


def test_accept_adds_a_notice_and_does_not_sell_the_ad(conversation, buyer, seller, ad):
    offer = services.offer_make(conversation=conversation, buyer=buyer, amount="420")
    services.offer_accept(offer=offer, seller=seller)
    offer.refresh_from_db()
    assert offer.status == "accepted" and offer.decided_at is not None
    notice = conversation.messages.latest("id")
    assert (notice.kind, notice.offer_id) == ("system", offer.id)
    assert notice.body == f"{seller.display_name} accepted the offer of $420."
    ad.refresh_from_db()
    assert ad.status == "active"


def test_decided_offers_cannot_change(conversation, buyer, seller):
    offer = services.offer_make(conversation=conversation, buyer=buyer, amount="420")
    services.offer_decline(offer=offer, seller=seller)
    with pytest.raises(ValidationError) as error:
        services.offer_accept(offer=offer, seller=seller)
    assert error.value.code == "offer_not_pending"
    assert error.value.messages == ["This offer is already declined."]
    with pytest.raises(ValidationError):
        services.offer_withdraw(offer=offer, buyer=buyer)


def test_withdraw(conversation, buyer):
    offer = services.offer_make(conversation=conversation, buyer=buyer, amount="420")
    services.offer_withdraw(offer=offer, buyer=buyer)
    offer.refresh_from_db()
    assert offer.status == "withdrawn"


def test_pending_offers_expire(conversation, buyer, seller, settings):
    offer = services.offer_make(conversation=conversation, buyer=buyer, amount="420")
    Offer.objects.filter(pk=offer.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    offer.refresh_from_db()
    assert offer.current_status() == "expired"
    with pytest.raises(ValidationError) as error:
        services.offer_accept(offer=offer, seller=seller)
    assert error.value.messages == ["This offer is already expired."]

    from django.core.management import call_command

    call_command("expire_offers", stdout=__import__("io").StringIO())
    offer.refresh_from_db()
    assert offer.status == "expired"
    assert conversation.messages.filter(kind="system", body="The offer of $420 expired.").count() == 1
    assert services.offers_expire_due() == 0  # nothing left, nothing repeated


def test_no_offers_on_a_sold_ad(conversation, buyer, seller, ad):
    ad_services.ad_mark_sold(ad=ad, user=seller)
    with pytest.raises(ValidationError) as error:
        services.offer_make(conversation=conversation, buyer=buyer, amount="10")
    assert error.value.code == "offer_ad_unavailable"


# --- Views -----------------------------------------------------------------------------------------------


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
