"""ConversationManager.get_for_participant (hand-written SQL) returns what the ORM query it replaces does."""

import pytest

from accounts import services as account_services
from chat import selectors, services
from chat.managers import BLOCK_COLUMNS, MEMBERSHIP_FIELDS
from chat.models import Conversation

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
