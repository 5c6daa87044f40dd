"""Services: the deal on an accepted offer (reserve, sell, release) and telling the other buyers."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts import services as account_services
from ads import services as ad_services
from ads import signals as ad_signals
from ads.models import Ad
from chat import services
from chat.models import Conversation, Message, Offer
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def others(ad):
    """Two more buyers' conversations about the same ad, one with a pending offer."""
    conversations = []
    for _ in range(2):
        conversation, _ = services.conversation_start(buyer=UserFactory(), ad=ad, body="Still available?")
        conversations.append(conversation)
    services.offer_make(conversation=conversations[0], user=conversations[0].buyer, amount="300")
    return conversations


def _accepted(conversation, buyer, seller, amount="400"):
    offer = services.offer_make(conversation=conversation, user=buyer, amount=amount)
    return services.offer_accept(offer=offer, user=seller)


def _notices(conversation):
    return list(
        conversation.messages.filter(kind=Message.Kind.SYSTEM, offer=None).values_list("body", flat=True)
    )


def test_reserving_tells_every_other_conversation_once_and_expires_their_offers(
    conversation, buyer, seller, ad, others
):
    offer = _accepted(conversation, buyer, seller)
    change = services.offer_reserve(offer=offer, user=seller)
    assert change.conversations_told == 2
    ad.refresh_from_db()
    assert (ad.status, ad.buyer_id) == (Ad.Status.RESERVED, buyer.pk)
    conversation.refresh_from_db()
    assert conversation.ad_status == "reserved" and conversation.deal_at is not None
    assert _notices(conversation) == [f"{seller.display_name} reserved this item for {buyer.display_name}."]
    for other in others:
        other.refresh_from_db()
        assert (other.ad_status, other.deal_at) == ("reserved", None)
        assert _notices(other) == ["This item has been reserved for another buyer."]
        assert other.participants.get(user=other.buyer).unread_count == 1
    assert Offer.objects.get(conversation=others[0]).status == "expired"
    # A repeat changes nothing and tells nobody again.
    assert services.offer_reserve(offer=offer, user=seller).conversations_told == 0
    assert Message.objects.filter(body="This item has been reserved for another buyer.").count() == 2


def test_a_reserved_ad_still_takes_messages_but_no_offers(conversation, buyer, seller, ad, others):
    services.offer_reserve(offer=_accepted(conversation, buyer, seller), user=seller)
    ad.refresh_from_db()
    newcomer, message = services.conversation_start(buyer=UserFactory(), ad=ad, body="Can I be next?")
    assert newcomer.ad_status == "reserved" and message.body == "Can I be next?"
    with pytest.raises(ValidationError) as error:
        services.offer_make(conversation=others[1], user=others[1].buyer, amount="350")
    assert error.value.code == "offer_ad_unavailable"


def test_sold_after_reserved_tells_the_others_again_and_release_says_available(
    conversation, buyer, seller, ad, others
):
    offer = _accepted(conversation, buyer, seller)
    services.offer_reserve(offer=offer, user=seller)
    assert ad_services.ad_reactivate(ad=ad, user=seller).changed
    conversation.refresh_from_db()
    assert (conversation.ad_status, conversation.deal_at) == ("active", None)
    assert (
        _notices(conversation)[-1]
        == f"{seller.display_name} released the reservation. The item is on sale again."
    )
    assert _notices(others[0])[-1] == _notices(others[1])[-1] == "This item is available again."

    assert services.offer_mark_sold(offer=offer, user=seller).conversations_told == 2
    assert _notices(others[1])[-1] == "This item has been sold."
    assert (
        _notices(conversation)[-1]
        == f"{seller.display_name} marked this item as sold to {buyer.display_name}."
    )
    ad.refresh_from_db()
    assert (ad.status, ad.buyer_id) == ("sold", buyer.pk)


def test_only_the_seller_closes_a_deal_and_only_on_an_accepted_offer(conversation, buyer, seller, stranger):
    offer = services.offer_make(conversation=conversation, user=buyer, amount="400")
    with pytest.raises(ValidationError) as error:
        services.offer_reserve(offer=offer, user=seller)
    assert error.value.code == "offer_not_accepted"
    services.offer_accept(offer=offer, user=seller)
    with pytest.raises(ValidationError) as error:
        services.offer_reserve(offer=offer, user=buyer)
    assert error.value.code == "deal_not_seller"
    with pytest.raises(PermissionDenied):
        services.offer_mark_sold(offer=offer, user=stranger)
    assert Conversation.objects.get(pk=conversation.pk).ad_status == "active"


def test_reserving_for_a_second_buyer_is_refused_until_released(conversation, buyer, seller, ad, others):
    other = others[1]
    second = _accepted(other, other.buyer, seller, amount="390")
    services.offer_reserve(offer=_accepted(conversation, buyer, seller), user=seller)
    with pytest.raises(ValidationError) as error:
        services.offer_reserve(offer=second, user=seller)
    assert error.value.code == "reserved_for_other"
    ad_services.ad_reactivate(ad=ad, user=seller)
    assert services.offer_reserve(offer=second, user=seller).conversations_told == 2
    ad.refresh_from_db()
    assert ad.buyer_id == other.buyer_id


def test_no_notice_across_a_block_but_the_status_follows(conversation, buyer, seller, ad, others):
    blocked = others[1]
    account_services.user_block(blocker=blocked.buyer, blocked=seller)
    services.offer_reserve(offer=_accepted(conversation, buyer, seller), user=seller)
    blocked.refresh_from_db()
    assert blocked.ad_status == "reserved" and _notices(blocked) == []


def test_removing_the_ad_tells_every_conversation_once_and_expires_their_offers(
    conversation, buyer, seller, ad, others
):
    counter = services.offer_make(conversation=others[0], user=seller, amount="320")
    assert ad_services.ad_remove(ad=ad, user=seller).changed
    for each in (conversation, *others):
        assert _notices(each) == ["This ad was removed. Offers about it are closed."]
    assert set(Conversation.objects.filter(ad=ad).values_list("ad_status", flat=True)) == {"removed"}
    assert Offer.objects.get(pk=counter.pk).status == Offer.Status.EXPIRED
    assert not Offer.objects.filter(status=Offer.Status.PENDING).exists()
    # A repeat tells nobody again.
    assert not ad_services.ad_remove(ad=ad, user=seller).changed
    assert Message.objects.filter(notice="told_removed").count() == 3


def test_removing_a_reserved_ad_tells_its_buyer_too(conversation, buyer, seller, ad, others):
    services.offer_reserve(offer=_accepted(conversation, buyer, seller), user=seller)
    ad_services.ad_remove(ad=ad, user=seller)
    conversation.refresh_from_db()
    assert (conversation.ad_status, conversation.deal_at) == ("removed", None)
    assert _notices(conversation)[-1] == "This ad was removed. Offers about it are closed."


def test_no_offer_is_made_or_accepted_on_a_removed_ad(conversation, buyer, seller, ad):
    offer = services.offer_make(conversation=conversation, user=seller, amount="420")
    ad_services.ad_remove(ad=ad, user=seller)
    with pytest.raises(ValidationError) as error:
        services.offer_accept(offer=offer, user=buyer)
    assert error.value.code == "offer_ad_removed"
    with pytest.raises(ValidationError) as error:
        services.offer_make(conversation=conversation, user=buyer, amount="400")
    assert error.value.code == "offer_ad_removed"
    assert Offer.objects.get(pk=offer.pk).status == Offer.Status.EXPIRED


def test_selling_to_a_second_buyer_is_refused_and_keeps_the_first(conversation, buyer, seller, ad, others):
    other = others[1]
    second = _accepted(other, other.buyer, seller, amount="390")
    services.offer_mark_sold(offer=_accepted(conversation, buyer, seller), user=seller)
    with pytest.raises(ValidationError) as error:
        services.offer_mark_sold(offer=second, user=seller)
    assert error.value.code == "sold"
    ad.refresh_from_db()
    assert (ad.status, ad.buyer_id) == (Ad.Status.SOLD, buyer.pk)
    other.refresh_from_db()
    assert other.deal_at is None and _notices(other) == ["This item has been sold."]
    # Selling to the reserved buyer's rival is refused too; the ad page's "Mark as sold" (no buyer named)
    # and a repeat for the same buyer change nothing.
    ad_services.ad_reactivate(ad=ad, user=seller)
    services.offer_reserve(offer=Offer.objects.get(conversation=conversation), user=seller)
    with pytest.raises(ValidationError) as error:
        services.offer_mark_sold(offer=second, user=seller)
    assert error.value.code == "reserved_for_other"
    assert ad_services.ad_mark_sold(ad=ad, user=seller).ad.buyer_id == buyer.pk
    assert not ad_services.ad_mark_sold(ad=ad, user=seller, buyer=buyer).changed


def test_naming_the_buyer_of_an_ad_sold_from_its_page_is_allowed_once(
    conversation, buyer, seller, ad, others
):
    offer = _accepted(conversation, buyer, seller)
    ad_services.ad_mark_sold(ad=ad, user=seller)
    assert services.offer_mark_sold(offer=offer, user=seller).conversations_told == 0
    ad.refresh_from_db()
    assert (ad.status, ad.buyer_id) == (Ad.Status.SOLD, buyer.pk)
    other = others[1]
    with pytest.raises(ValidationError) as error:
        ad_services.ad_mark_sold(ad=ad, user=seller, buyer=other.buyer)
    assert error.value.code == "sold"


def test_the_deal_tells_the_conversations_itself_and_the_ad_page_announces(
    conversation, buyer, seller, ad, others
):
    """The deal service orchestrates the ad and the conversations (no signal round trip through ads);
    a status change made elsewhere (the ad page) is announced, and chat's receiver follows it."""
    announced = []

    def listen(*, ad, **kwargs):
        announced.append(ad.status)
        return 99  # an answer nobody reads

    ad_signals.ad_status_changed.connect(listen)
    try:
        assert (
            services.offer_reserve(
                offer=_accepted(conversation, buyer, seller), user=seller
            ).conversations_told
            == 2
        )
        assert announced == []
        ad_services.ad_reactivate(ad=ad, user=seller)
    finally:
        ad_signals.ad_status_changed.disconnect(listen)
    assert announced == [Ad.Status.ACTIVE]
    assert _notices(others[1]) == [
        "This item has been reserved for another buyer.",
        "This item is available again.",
    ]
