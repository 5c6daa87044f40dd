"""ConversationManager.get_for_participant (hand-written SQL) returns what the ORM query it replaces does."""

import pytest

from accounts import services as account_services
from chat import access, selectors, services
from chat.managers import BLOCK_COLUMNS, MEMBERSHIP_FIELDS
from chat.models import Conversation, ConversationParticipant, Message
from tests.factories import AdFactory

pytestmark = pytest.mark.django_db


def _state(conversation):
    fields = {
        field.attname: getattr(conversation, field.attname) for field in Conversation._meta.concrete_fields
    }
    extra = {name: getattr(conversation, name) for name in [*MEMBERSHIP_FIELDS, *BLOCK_COLUMNS]}
    people = {
        role: {field.attname: getattr(person, field.attname) for field in type(person)._meta.concrete_fields}
        for role, person in (("buyer", conversation.buyer), ("seller", conversation.seller))
    }
    return fields, extra, people


def _both(conversation, user):
    fast = Conversation.objects.get_for_participant(public_id=conversation.public_id, user_id=user.pk)
    orm = selectors.conversation_query_for_participant(public_id=conversation.public_id, user=user).first()
    return fast, orm


@pytest.mark.parametrize("viewer", ["buyer", "seller"])
def test_the_sql_matches_the_orm_query_for_each_participant(conversation, buyer, seller, viewer):
    user = {"buyer": buyer, "seller": seller}[viewer]
    services.message_send(conversation=conversation, sender=seller, body="Yes")
    services.conversation_set_archived(conversation=conversation, user=user, archived=True)
    services.conversation_hide(conversation=conversation, user=buyer)
    account_services.user_block(blocker=seller, blocked=buyer)
    fast, orm = _both(conversation, user)
    assert _state(fast) == _state(orm)
    assert fast.i_blocked_other is (viewer == "seller") and fast.other_blocked_me is (viewer == "buyer")
    assert fast.my_archived_at is not None and fast.my_role == viewer


def test_strangers_and_unknown_ids_get_none(conversation, stranger, buyer):
    assert (
        Conversation.objects.get_for_participant(public_id=conversation.public_id, user_id=stranger.pk)
        is None
    )
    assert Conversation.objects.get_for_participant(public_id="nope", user_id=buyer.pk) is None


def test_it_is_one_query(conversation, buyer, django_assert_num_queries):
    with django_assert_num_queries(1):
        fast = Conversation.objects.get_for_participant(public_id=conversation.public_id, user_id=buyer.pk)
        assert fast.seller.display_name and fast.buyer.pk == buyer.pk


def test_messages_from_a_cursor_match_the_orm_read_with_their_offers(conversation, buyer, seller):
    first = conversation.messages.get()
    services.message_send(conversation=conversation, sender=seller, body="Yes")
    offer = services.offer_make(conversation=conversation, user=buyer, amount="300")
    services.conversation_hide(conversation=conversation, user=seller)
    services.message_send(conversation=conversation, sender=buyer, body="After the hide")
    offers_seen = {}
    for viewer in (buyer, seller):
        seen = access.access_conversation(public_id=conversation.public_id, user=viewer)
        fast = Message.objects.list_from(
            conversation_id=conversation.pk,
            from_id=first.id,
            after_hidden_id=seen.my_hidden_up_to_id,
            limit=10,
        )
        orm = list(selectors.message_list_visible(conversation=seen).filter(id__gte=first.id)[:10])
        assert [_fields(m) for m in fast] == [_fields(m) for m in orm]
        assert [m.offer for m in fast if m.offer_id] == [m.offer for m in orm if m.offer_id]
        offers_seen[viewer] = {m.offer.pk for m in fast if m.offer_id}
    # The buyer sees the offer card; the seller hid everything up to the offer.
    assert offers_seen == {buyer: {offer.pk}, seller: set()}


def test_the_unread_count_matches_the_orm_count(conversation, buyer, seller):
    services.conversation_start(buyer=buyer, ad=AdFactory(owner=seller), body="Another")
    for user in (buyer, seller):
        expected = ConversationParticipant._base_manager.filter(user=user, unread_count__gt=0).count()
        assert ConversationParticipant.objects.unread_conversation_count(user_id=user.pk) == expected
    assert ConversationParticipant.objects.unread_conversation_count(user_id=seller.pk) == 2


def _fields(message):
    return {field.attname: getattr(message, field.attname) for field in Message._meta.concrete_fields}
