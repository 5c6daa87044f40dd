"""Services: offers (chat.services.offers)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from ads import services as ad_services
from chat import services
from chat.models import Offer

pytestmark = pytest.mark.django_db


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
    made_at = timezone.now() - timedelta(seconds=settings.MARKETPLACE_OFFER_TTL_S + 1)
    offer = services.offer_make(conversation=conversation, buyer=buyer, amount="420", created_at=made_at)
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
