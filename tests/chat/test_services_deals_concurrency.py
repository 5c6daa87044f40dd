"""The deal's concurrency rules on PostgreSQL with real threads: one outcome per race, nobody told twice."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from ads.models import Ad
from chat import services
from chat.models import Message, Offer
from tests.chat.test_services_concurrency import run_at_once
from tests.factories import AdFactory, UserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks and races need PostgreSQL"),
]


def _accepted_offers(ad, count):
    """*count* buyers' conversations about *ad*, each with an accepted offer; return the offers."""
    offers = []
    for index in range(count):
        conversation, _ = services.conversation_start(buyer=UserFactory(), ad=ad, body="Hi")
        offer = services.offer_make(
            conversation=conversation, user=conversation.buyer, amount=str(100 + index)
        )
        offers.append(services.offer_accept(offer=offer, user=ad.owner))
    return offers


def test_two_reservations_at_once_leave_one_and_tell_each_buyer_once():
    ad = AdFactory(price=500)
    offers = _accepted_offers(ad, 4)

    results, errors = run_at_once(4, lambda i: services.offer_reserve(offer=offers[i], user=ad.owner))

    ad.refresh_from_db()
    assert ad.status == Ad.Status.RESERVED
    assert [error.code for error in errors] == ["reserved_for_other"] * 3, errors
    winner = next(result for result in results if result is not None)
    assert winner.conversations_told == 3
    assert Message.objects.filter(body="This item has been reserved for another buyer.").count() == 3
    assert Message.objects.filter(body__contains="reserved this item for").count() == 1


def test_offers_racing_a_reservation_never_stay_pending():
    ad = AdFactory(price=500)
    [accepted] = _accepted_offers(ad, 1)
    others = [services.conversation_start(buyer=UserFactory(), ad=ad, body="Hi")[0] for _ in range(5)]

    def act(index):
        if index == 0:
            return services.offer_reserve(offer=accepted, user=ad.owner)
        other = others[index - 1]
        return services.offer_make(conversation=other, user=other.buyer, amount="450")

    _, errors = run_at_once(6, act)

    assert all(
        isinstance(error, ValidationError) and error.code == "offer_ad_unavailable" for error in errors
    )
    # Made before the reservation: expired by it; after it: refused. None is left open.
    assert not Offer.objects.filter(status=Offer.Status.PENDING).exists()
    assert Offer.objects.filter(status=Offer.Status.EXPIRED).count() == 5 - len(errors)


def test_a_counter_offer_racing_an_accept_decides_the_offer_once():
    ad = AdFactory(price=500)
    buyer = UserFactory()
    conversation, _ = services.conversation_start(buyer=buyer, ad=ad, body="Would you take 300?")
    offer = services.offer_make(conversation=conversation, user=buyer, amount="300")

    def act(index):
        if index % 2:
            return services.offer_accept(offer=offer, user=ad.owner)
        return services.offer_make(conversation=conversation, user=ad.owner, amount=str(400 + index))

    _, errors = run_at_once(6, act)

    offer.refresh_from_db()
    assert offer.status in (Offer.Status.ACCEPTED, Offer.Status.COUNTERED)
    assert Offer.objects.filter(conversation=conversation, status=Offer.Status.PENDING).count() <= 1
    if offer.status == Offer.Status.ACCEPTED:
        # Every counter-offer came after the accept: none answers it.
        assert not Offer.objects.filter(counter_to=offer).exists()
    else:
        assert len([e for e in errors if e.code == "offer_not_pending"]) == 3
        assert Offer.objects.filter(counter_to=offer).count() == 1


def test_two_sales_at_once_leave_one_buyer_and_one_refusal():
    ad = AdFactory(price=500)
    offers = _accepted_offers(ad, 2)

    results, errors = run_at_once(2, lambda i: services.offer_mark_sold(offer=offers[i], user=ad.owner))

    ad.refresh_from_db()
    assert ad.status == Ad.Status.SOLD
    assert [error.code for error in errors] == ["sold"], errors
    winner = next(index for index, result in enumerate(results) if result is not None)
    assert ad.buyer_id == offers[winner].conversation.buyer_id
    assert Message.objects.filter(body__contains="marked this item as sold to").count() == 1
    assert Message.objects.filter(body="This item has been sold.").count() == 1
