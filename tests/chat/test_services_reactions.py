"""Services: reactions, one per participant per message, set and taken back by the state wanted."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts import services as account_services
from chat import services
from chat.models import Message, MessageReaction

pytestmark = pytest.mark.django_db


def _react(message, user, emoji="👍", on=True):
    return services.message_react(message=message, user=user, emoji=emoji, on=on)


def _state(message):
    stored = Message.objects.get(pk=message.pk)
    return stored.reaction_count, sorted(
        MessageReaction.objects.filter(message=message).values_list("emoji", flat=True)
    )


def test_a_reaction_is_set_replaced_and_taken_back(conversation, seller):
    message = conversation.messages.get()

    assert _react(message, seller, "👍") == "👍"
    assert _state(message) == (1, ["👍"])
    assert _react(message, seller, "❤️") == "❤️"  # one per user: replaced, not added
    assert _state(message) == (1, ["❤️"])
    assert _react(message, seller, "❤️", on=False) is None
    assert _state(message) == (0, [])


def test_a_repeated_request_leaves_the_same_state(conversation, seller):
    message = conversation.messages.get()
    _react(message, seller, "👍")
    seq = Message.objects.get(pk=message.pk).change_seq

    assert _react(message, seller, "👍") == "👍"  # a retried "add" does not toggle it off
    assert _react(message, seller, "😂", on=False) == "👍"  # taking back one it does not have: no change

    assert _state(message) == (1, ["👍"])
    assert Message.objects.get(pk=message.pk).change_seq == seq


def test_both_participants_react_and_counts_add_up(conversation, buyer, seller):
    message = conversation.messages.get()
    _react(message, seller, "👍")
    _react(message, buyer, "👍")

    assert _state(message) == (2, ["👍", "👍"])


def test_an_unknown_emoji_is_refused(conversation, seller):
    with pytest.raises(ValidationError) as excinfo:
        _react(conversation.messages.get(), seller, "💩")
    assert excinfo.value.code == "reaction_unknown"


def test_the_database_refuses_a_second_reaction_and_an_unknown_emoji(conversation, seller):
    message = conversation.messages.get()
    MessageReaction.objects.create(message=message, user=seller, emoji="👍")
    with pytest.raises(IntegrityError), transaction.atomic():
        MessageReaction.objects.create(message=message, user=seller, emoji="❤️")
    with pytest.raises(IntegrityError), transaction.atomic():
        MessageReaction.objects.create(message=message, user=conversation.buyer, emoji="🤷")


def test_strangers_cannot_react(conversation, stranger):
    with pytest.raises(PermissionDenied):
        _react(conversation.messages.get(), stranger)


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"kind": Message.Kind.SYSTEM}, "not_reactable"),
        ({"deleted_at": timezone.now()}, "message_deleted"),
        ({"removed_by_moderator_at": timezone.now()}, "message_removed"),
    ],
)
def test_notices_and_withdrawn_messages_take_no_reactions(conversation, seller, change, code):
    message = conversation.messages.get()
    Message.objects.filter(pk=message.pk).update(**change)

    with pytest.raises(ValidationError) as excinfo:
        _react(message, seller)

    assert excinfo.value.code == code
    assert _state(message) == (0, [])


def test_no_reactions_across_a_block(conversation, buyer, seller):
    account_services.user_block(blocker=buyer, blocked=seller)

    with pytest.raises(ValidationError) as excinfo:
        _react(conversation.messages.get(), seller)

    assert excinfo.value.code == "blocked"


def test_a_reaction_does_not_mark_the_replies_quoting_the_message_changed(conversation, buyer, seller):
    question = conversation.messages.get()
    reply = services.message_send(
        conversation=conversation, sender=seller, body="Yes", reply_to_id=question.id
    )

    _react(question, seller)

    assert Message.objects.get(pk=question.pk).change_seq == 1
    assert Message.objects.get(pk=reply.pk).change_seq is None  # its quote shows no reactions
