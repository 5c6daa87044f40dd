"""Services: starting, snapshotting and hiding conversations (chat.services.conversations)."""

import pytest
from django.core.exceptions import ValidationError

from ads import services as ad_services
from ads.models import Ad
from chat import access, selectors, services
from chat.models import Conversation, ConversationParticipant, Message
from tests.conftest import conversation_token, list_token
from tests.factories import AdFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_conversation_start_creates_conversation_participants_snapshot_and_first_message(buyer, seller, ad):
    conversation, message = services.conversation_start(
        buyer=buyer, ad=ad, body="  Hi! Is this still available?  "
    )

    assert (conversation.buyer, conversation.seller, conversation.ad) == (buyer, seller, ad)
    assert message.body == "Hi! Is this still available?"
    assert message.sender == buyer
    conversation.refresh_from_db()
    assert conversation.last_message == message
    assert conversation.ad_title == "Walnut sofa"
    assert conversation.ad_public_id == ad.public_id
    assert conversation.ad_link == f"/ads/{ad.public_id}/"
    assert conversation.ad_price == ad.price
    assert conversation.ad_entity_type == ad.category.slug
    assert conversation.ad_status == Ad.Status.ACTIVE
    roles = dict(conversation.participants.values_list("user_id", "role"))
    assert roles == {buyer.pk: "buyer", seller.pk: "seller"}
    # The sender has read their own message; the seller has not.
    buyer_row = conversation.participants.get(user=buyer)
    seller_row = conversation.participants.get(user=seller)
    assert buyer_row.last_read_message_id == message.id
    assert seller_row.last_read_message_id is None


def test_conversation_start_reuses_the_existing_conversation(buyer, ad):
    first, _ = services.conversation_start(buyer=buyer, ad=ad, body="Hello")
    second, message = services.conversation_start(buyer=buyer, ad=ad, body="Hello again")

    assert first.pk == second.pk
    assert Conversation.objects.count() == 1
    assert list(Message.objects.values_list("body", flat=True)) == ["Hello", "Hello again"]
    assert message.conversation_id == first.pk


def test_snapshot_keeps_the_ad_as_it_was_when_the_ad_is_edited(buyer, seller, ad, conversation):
    ad_services.ad_update(
        ad=ad, user=seller, category=ad.category, title="Renamed sofa", description="", price=None, city=""
    )
    conversation.refresh_from_db()
    assert conversation.ad_title == "Walnut sofa"


def test_cannot_write_about_own_ad(seller, ad):
    with pytest.raises(ValidationError) as error:
        services.conversation_start(buyer=seller, ad=ad, body="Hi")
    assert error.value.code == "own_ad"
    assert not Conversation.objects.exists()


@pytest.mark.parametrize("status", [Ad.Status.SOLD, Ad.Status.REMOVED])
def test_cannot_start_a_conversation_about_an_unavailable_ad(buyer, seller, ad, status):
    change = {Ad.Status.SOLD: ad_services.ad_mark_sold, Ad.Status.REMOVED: ad_services.ad_remove}[status]
    change(ad=ad, user=seller)
    ad.refresh_from_db()  # services change a fresh copy of the row, locked
    with pytest.raises(ValidationError) as error:
        services.conversation_start(buyer=buyer, ad=ad, body="Hi")
    assert error.value.code == "ad_unavailable"
    assert not Conversation.objects.exists()


def test_marking_sold_or_removed_updates_every_conversation_snapshot(seller, ad):
    buyers = UserFactory.create_batch(3)
    for buyer in buyers:
        services.conversation_start(buyer=buyer, ad=ad, body="Hi")
    other_ad_conversation, _ = services.conversation_start(
        buyer=buyers[0], ad=AdFactory(owner=seller), body="Hi"
    )

    ad_services.ad_mark_sold(ad=ad, user=seller)
    assert set(Conversation.objects.filter(ad=ad).values_list("ad_status", flat=True)) == {"sold"}

    ad_services.ad_remove(ad=ad, user=seller)
    assert set(Conversation.objects.filter(ad=ad).values_list("ad_status", flat=True)) == {"removed"}
    other_ad_conversation.refresh_from_db()
    assert other_ad_conversation.ad_status == "active"
    assert Ad.objects.filter(pk=ad.pk).exists()  # removal is a status change


def test_ad_status_change_moves_the_poll_token(conversation, seller, ad, committed):
    before = conversation_token(conversation, seller), list_token(seller)
    with committed():
        ad_services.ad_mark_sold(ad=ad, user=seller)
    after = conversation_token(conversation, seller), list_token(seller)
    assert before[0] != after[0] and before[1] != after[1]


def test_hide_hides_history_for_one_participant_until_a_new_message(conversation, buyer, seller):
    services.message_send(conversation=conversation, sender=seller, body="Yes, still available")
    services.conversation_hide(conversation=conversation, user=buyer)

    assert list(selectors.conversation_list_for_user(user=buyer)) == []
    assert [c.pk for c in selectors.conversation_list_for_user(user=seller)] == [conversation.pk]
    seller_view = access.access_conversation(public_id=conversation.public_id, user=seller)
    assert selectors.message_list_visible(conversation=seller_view).count() == 2

    later = services.message_send(conversation=conversation, sender=seller, body="Still interested?")

    assert [c.pk for c in selectors.conversation_list_for_user(user=buyer)] == [conversation.pk]
    buyer_view = access.access_conversation(public_id=conversation.public_id, user=buyer)
    assert list(selectors.message_list_visible(conversation=buyer_view)) == [later]
    assert Message.objects.filter(conversation=conversation).count() == 3  # nothing hard-deleted


def test_mark_read_only_moves_forward(conversation, seller, buyer):
    second = services.message_send(conversation=conversation, sender=buyer, body="Second")
    first_id = conversation.messages.order_by("id").first().id

    assert services.conversation_mark_read(conversation=conversation, user=seller, up_to_message_id=second.id)
    assert not services.conversation_mark_read(
        conversation=conversation, user=seller, up_to_message_id=first_id
    )
    row = ConversationParticipant.objects.get(conversation=conversation, user=seller)
    assert row.last_read_message_id == second.id
