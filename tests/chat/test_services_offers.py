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
    offer = services.offer_make(conversation=conversation, user=buyer, amount="400")
    assert offer.amount == Decimal("400.00") and offer.status == "pending"
    assert offer.expires_at - offer.created_at == timedelta(hours=48)
    card = conversation.messages.latest("id")
    assert (card.kind, card.offer, card.body) == ("offer", offer, "Offer: $400")
    assert conversation.participants.get(user=seller).unread_count == 2


def test_a_new_offer_replaces_the_pending_one(conversation, buyer):
    first = services.offer_make(conversation=conversation, user=buyer, amount="350")
    second = services.offer_make(conversation=conversation, user=buyer, amount="375.50")
    first.refresh_from_db()
    assert first.status == "replaced" and second.status == "pending"
    assert Offer.objects.filter(conversation=conversation, status="pending").count() == 1


# "0.001" and "0,001" were read as thousands grouping, one dollar with no word (outside testing); "1,2,3"
# groups nothing.
@pytest.mark.parametrize(
    "amount",
    ["0", "-5", "abc", "10.0001", "1,2345", "99999999", "", "NaN", "Infinity", "0.001", "0,001", "1,2,3"],
)
def test_offer_amounts_must_be_sane(conversation, buyer, amount):
    with pytest.raises(ValidationError) as error:
        services.offer_make(conversation=conversation, user=buyer, amount=amount)
    assert error.value.code == "offer_amount"
    assert not Offer.objects.exists()


def test_offer_amount_accepts_currency_formatting(conversation, buyer):
    offer = services.offer_make(
        conversation=conversation, user=buyer, amount=" $1,250.5 ", above_asking_confirmed=True
    )
    assert offer.amount == Decimal("1250.50")


def test_an_offer_above_the_asking_price_needs_confirming(conversation, buyer):
    asking = conversation.ad_price
    with pytest.raises(ValidationError) as error:
        services.offer_make(conversation=conversation, user=buyer, amount=str(asking + 1))
    assert error.value.code == "offer_above_asking"
    assert not Offer.objects.exists()
    assert services.offer_make(conversation=conversation, user=buyer, amount=str(asking)).status == "pending"
    confirmed = services.offer_make(
        conversation=conversation, user=buyer, amount=str(asking + 1), above_asking_confirmed=True
    )
    assert confirmed.amount == asking + 1


def test_only_the_other_side_decides_and_strangers_cannot_touch_offers(conversation, seller, buyer, stranger):
    with pytest.raises(PermissionDenied):
        services.offer_make(conversation=conversation, user=stranger, amount="10")
    offer = services.offer_make(conversation=conversation, user=buyer, amount="10")
    with pytest.raises(PermissionDenied):
        services.offer_accept(offer=offer, user=stranger)
    with pytest.raises(ValidationError) as error:
        services.offer_accept(offer=offer, user=buyer)
    assert error.value.code == "offer_own"
    with pytest.raises(ValidationError) as error:
        services.offer_withdraw(offer=offer, user=seller)
    assert error.value.code == "offer_not_own"


def test_the_seller_may_propose_first_and_the_buyer_accepts(conversation, seller, buyer):
    offer = services.offer_make(conversation=conversation, user=seller, amount="300")
    assert (offer.made_by_id, offer.counter_to_id) == (seller.pk, None)
    assert conversation.messages.latest("id").body == "Offer: $300"
    with pytest.raises(ValidationError) as error:
        services.offer_accept(offer=offer, user=seller)
    assert error.value.code == "offer_own"
    assert services.offer_accept(offer=offer, user=buyer).status == "accepted"


def test_a_counter_offer_answers_the_other_sides_pending_offer(conversation, seller, buyer):
    first = services.offer_make(conversation=conversation, user=buyer, amount="200")
    counter = services.offer_make(conversation=conversation, user=seller, amount="260")
    first.refresh_from_db()
    assert first.status == "countered" and first.decided_at is not None
    assert (counter.counter_to_id, counter.status) == (first.id, "pending")
    assert conversation.messages.latest("id").body == "Counter-offer: $260"
    # The answered offer is closed; the counter-offer is the buyer's to decide.
    with pytest.raises(ValidationError) as error:
        services.offer_accept(offer=first, user=seller)
    assert error.value.code == "offer_not_pending"
    again = services.offer_make(conversation=conversation, user=buyer, amount="230")
    assert again.counter_to_id == counter.id
    # Raising one's own pending offer replaces it and answers nothing.
    raised = services.offer_make(conversation=conversation, user=buyer, amount="240")
    again.refresh_from_db()
    assert again.status == "replaced" and raised.counter_to_id is None
    assert Offer.objects.filter(status="pending").count() == 1


def test_an_offer_status_change_marks_its_card_changed_for_the_polls(conversation, seller, buyer):
    offer = services.offer_make(conversation=conversation, user=buyer, amount="200")
    card = conversation.messages.get(kind="offer")
    assert card.change_seq is None
    services.offer_make(conversation=conversation, user=seller, amount="260")
    card.refresh_from_db()
    conversation.refresh_from_db()
    assert card.change_seq == conversation.change_seq > 0
    assert offer.id == card.offer_id


def test_accept_adds_a_notice_and_does_not_sell_the_ad(conversation, buyer, seller, ad):
    offer = services.offer_make(conversation=conversation, user=buyer, amount="420")
    services.offer_accept(offer=offer, user=seller)
    offer.refresh_from_db()
    assert offer.status == "accepted" and offer.decided_at is not None
    notice = conversation.messages.latest("id")
    assert (notice.kind, notice.offer_id) == ("system", offer.id)
    assert notice.body == f"{seller.display_name} accepted the offer of $420."
    ad.refresh_from_db()
    assert ad.status == "active"


def test_decided_offers_cannot_change(conversation, buyer, seller):
    offer = services.offer_make(conversation=conversation, user=buyer, amount="420")
    services.offer_decline(offer=offer, user=seller)
    with pytest.raises(ValidationError) as error:
        services.offer_accept(offer=offer, user=seller)
    assert error.value.code == "offer_not_pending"
    assert error.value.messages == ["This offer is already declined."]
    with pytest.raises(ValidationError):
        services.offer_withdraw(offer=offer, user=buyer)


def test_withdraw(conversation, buyer):
    offer = services.offer_make(conversation=conversation, user=buyer, amount="420")
    services.offer_withdraw(offer=offer, user=buyer)
    offer.refresh_from_db()
    assert offer.status == "withdrawn"


def test_pending_offers_expire(conversation, buyer, seller, settings):
    made_at = timezone.now() - timedelta(seconds=settings.MARKETPLACE_OFFER_TTL_S + 1)
    offer = services.offer_make(conversation=conversation, user=buyer, amount="420", created_at=made_at)
    assert offer.current_status() == "expired"
    with pytest.raises(ValidationError) as error:
        services.offer_accept(offer=offer, user=seller)
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
        services.offer_make(conversation=conversation, user=buyer, amount="10")
    assert error.value.code == "offer_ad_unavailable"


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("1,200", "1200"),  # English grouping
        ("1,200.50", "1200.50"),
        ("1 200,50", "1200.50"),  # Russian: space groups, comma is the decimal mark
        ("1\xa0200", "1200"),
        ("350,50", "350.50"),  # before, the comma was dropped: 35050
        ("1.200,50", "1200.50"),
        ("1.200", "1200"),
        ("350.5", "350.50"),
        ("1,200,000", "1200000"),
        ("10.001", "10001"),  # a lone mark before three digits groups thousands, in either language
    ],
)
def test_typed_amounts_are_read_as_people_write_them_in_english_and_russian(typed, amount):
    assert services.offer_amount_clean(typed) == Decimal(amount)


def test_the_asking_price_is_the_ads_current_one_and_the_snapshot_keeps_the_old(
    conversation, buyer, seller, ad, ad_edit
):
    ad_edit(price=Decimal("80"), title="Walnut sofa (cheap)")
    conversation.refresh_from_db()
    assert (conversation.ad_title, conversation.ad_price) == ("Walnut sofa", Decimal("450"))
    assert (conversation.ad_current_title, conversation.ad_current_price) == ("Walnut sofa (cheap)", 80)
    with pytest.raises(ValidationError) as error:
        services.offer_make(conversation=conversation, user=buyer, amount="100")
    assert error.value.code == "offer_above_asking" and error.value.params["price"] == "$80"
    assert services.offer_make(conversation=conversation, user=buyer, amount="80").amount == 80
    # Price on request: nothing to be above.
    ad_edit(price=None)
    assert services.offer_make(conversation=conversation, user=buyer, amount="900").amount == 900


@pytest.fixture
def ad_edit(ad, seller):
    """``ad_edit(price=…, title=…)``: the seller saves the ad with a new price (and title)."""

    def edit(*, price, title=None):
        ad_services.ad_update(
            ad=ad,
            user=seller,
            category=ad.category,
            title=title or ad.title,
            description=ad.description,
            price=price,
            city=ad.city,
        )

    return edit
