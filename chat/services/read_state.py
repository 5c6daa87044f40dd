"""Writes to a participant's read state: read pointer and unread count."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import BigIntegerField, Case, Count, F, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from accounts.models import User
from chat import delivery
from chat.errors import ERROR_MESSAGES
from chat.models import Conversation, ConversationParticipant, Message


def conversation_mark_read(*, conversation: Conversation, user: User, up_to_message_id: int) -> bool:
    """Advance *user*'s read pointer in *conversation* to *up_to_message_id* (never backwards).

    The delivery pointer (``delivered_up_to``) moves up to it too, in the same UPDATE.
    The unread count becomes the number of the other participant's messages after the new pointer (those
    not delivered yet; deleted ones do not count), which reads only unread rows, never the history.
    Returns True if the pointer moved. Does nothing for a non-participant.

    Locks *user*'s participant row first (``SELECT … FOR UPDATE``), then counts in a second statement.
    Lock order, shared with every write that adds a message: conversation row, then participant rows; this
    takes only the participant row. The lock makes the count exact: a send that has added its +1 to this
    row but not committed yet holds the row, so the count waits for it and then, in a new statement under
    READ COMMITTED, sees its message. Counted in the same statement as the wait, it would use the snapshot
    from before the send and overwrite the +1 (the badge stayed one too low until the next open).
    """
    pointer_behind = Q(last_read_message__isnull=True) | Q(last_read_message__lt=up_to_message_id)
    still_unread = (
        Message.objects.filter(
            conversation=OuterRef("conversation"), id__gt=up_to_message_id, deleted_at__isnull=True
        )
        .exclude(sender=OuterRef("user"))
        .order_by()
        .values("conversation")
        .annotate(count=Count("id"))
        .values("count")
    )
    with transaction.atomic(savepoint=False):
        participant_id = (
            ConversationParticipant.objects.select_for_update()
            .filter(pointer_behind, conversation=conversation, user=user)
            .values_list("pk", flat=True)
            .first()
        )
        if participant_id is None:
            return False
        ConversationParticipant.objects.filter(pk=participant_id).update(
            last_read_message_id=up_to_message_id,
            # What is read was fetched: the delivery pointer follows in the same statement, never back.
            delivered_up_to=Greatest(
                F("delivered_up_to"), Value(up_to_message_id), output_field=BigIntegerField()
            ),
            unread_count=Coalesce(Subquery(still_unread, output_field=IntegerField()), 0),
            updated_at=timezone.now(),
        )
    # The reader's list (unread state) and the other participant's view (read receipts) change.
    other_id = conversation.seller_id if user.pk == conversation.buyer_id else conversation.buyer_id
    delivery.announce(conversation_views=[(conversation.public_id, other_id)], user_ids=[user.pk])
    return True


def conversation_mark_read_if_behind(
    *, conversation: Conversation, user: User, up_to_message_id: int | None, known: int = 0
) -> bool:
    """Advance *user*'s read pointer to *up_to_message_id* (``conversation_mark_read``) unless it is known to
    be there already: *conversation* (from ``chat.access``, carrying ``my_last_read_id``) says so, or *known*
    (a message id the caller knows the pointer reached, e.g. the message the user just sent) does. Saves
    the locking UPDATE on every re-opened, already-read conversation. Returns True if the pointer moved;
    None as *up_to_message_id* (an empty conversation) does nothing."""
    if not up_to_message_id or max(conversation.my_last_read_id or 0, known) >= up_to_message_id:
        return False
    return conversation_mark_read(conversation=conversation, user=user, up_to_message_id=up_to_message_id)


def _newest_from(messages: Iterable[Message], *, other_than: int) -> int:
    """Return the newest id among *messages* not sent by user *other_than*, 0 if none."""
    return max((message.id for message in messages if message.sender_id != other_than), default=0)


def conversation_mark_delivered(
    *, conversation: Conversation, user: User, messages: Iterable[Message]
) -> bool:
    """Record that *user*'s device fetched *messages* of *conversation* (a poll, an API answer): the
    delivery pointer ``delivered_up_to`` moves to the newest of them the other participant sent, never
    backwards. Returns True if it moved, and then the other participant's view of the conversation is
    announced (their receipts turn "delivered").

    No query when nothing is new: *conversation* (from ``chat.access``, carrying ``my_delivered_up_to`` and
    ``my_last_read_id``) already says the pointer is there. Otherwise one UPDATE whose WHERE
    (``delivered_up_to < new``) makes it monotonic under concurrency: PostgreSQL re-checks the condition on
    the row after waiting for its lock, so a slower, older fetch never moves it back. Locks only *user*'s
    participant row (no conversation lock: it cannot deadlock with sends). Does nothing for a
    non-participant.
    """
    up_to = _newest_from(messages, other_than=user.pk)
    delivered = getattr(conversation, "my_delivered_up_to", None) or 0
    known = max(delivered, getattr(conversation, "my_last_read_id", None) or 0)
    if up_to <= known:
        return False
    moved = ConversationParticipant.objects.filter(
        conversation=conversation, user=user, delivered_up_to__lt=up_to
    ).update(delivered_up_to=up_to)
    if moved:
        other_id = conversation.other_user_id(user.pk)
        delivery.announce(conversation_views=[(conversation.public_id, other_id)])
    return bool(moved)


def conversations_mark_delivered(*, user: User, conversations: Iterable[Conversation]) -> int:
    """Record that *user*'s device fetched the list rows *conversations* (each with ``last_message``,
    ``my_delivered_up_to`` and ``my_last_read_id``, as ``selectors.conversation_list_for_user`` returns
    them): each one's last message, when the other participant sent it, is delivered.

    No query when every row is already delivered; otherwise one UPDATE for all of them (a CASE per
    conversation, each row only moving forward: ``delivered_up_to < its new value`` in the WHERE), and the
    other participants' views of those conversations are announced. Returns how many rows were behind.
    """
    behind = {}
    for conversation in conversations:
        last = conversation.last_message if conversation.last_message_id else None
        known = max(conversation.my_delivered_up_to or 0, conversation.my_last_read_id or 0)
        if last is not None and last.sender_id != user.pk and last.id > known:
            behind[conversation.pk] = (last.id, conversation)
    if not behind:
        return 0
    moves = [When(conversation_id=pk, then=Value(up_to)) for pk, (up_to, _c) in behind.items()]
    where = Q()
    for pk, (up_to, _c) in behind.items():
        where |= Q(conversation_id=pk, delivered_up_to__lt=up_to)
    ConversationParticipant.objects.filter(where, user=user).update(
        delivered_up_to=Case(*moves, default=F("delivered_up_to"), output_field=BigIntegerField())
    )
    delivery.announce(
        conversation_views=[(c.public_id, c.other_user_id(user.pk)) for _up_to, c in behind.values()]
    )
    return len(behind)


@transaction.atomic
def conversation_mark_unread(*, conversation: Conversation, user: User) -> None:
    """Mark *conversation* unread for *user*: the read pointer goes back to just before the other
    participant's latest message, so it shows bold with a badge until opened again.

    Raises ValidationError (code ``nothing_to_mark``) when the other participant has not written anything
    visible to *user*. Raises ConversationParticipant.DoesNotExist for a non-participant.
    """
    participant = ConversationParticipant.objects.select_for_update().get(
        conversation=conversation, user=user
    )
    latest_from_other = (
        Message.objects.filter(
            conversation=conversation, id__gt=participant.hidden_up_to_id or 0, deleted_at__isnull=True
        )
        .exclude(sender=user)
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
    )
    if latest_from_other is None:
        raise ValidationError(ERROR_MESSAGES["nothing_to_mark"], code="nothing_to_mark")
    previous = (
        Message.objects.filter(conversation=conversation, id__lt=latest_from_other)
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
    )
    participant.last_read_message_id = previous
    participant.unread_count = (
        Message.objects.filter(conversation=conversation, id__gte=latest_from_other, deleted_at__isnull=True)
        .exclude(sender=user)
        .count()
    )
    participant.updated_at = timezone.now()
    participant.save(update_fields=["last_read_message", "unread_count", "updated_at"])
    delivery.announce(user_ids=[user.pk])
