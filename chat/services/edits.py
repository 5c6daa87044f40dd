"""Changes to messages already sent: the sender's edit and "Delete for everyone", and the change seq every
such change (reactions and moderators' removals too) gives the messages it changed, for the polls.

Every write here locks the conversation row first (the lock order of ``chat.services.messages``), so the
conversation's change counter grows one change at a time and a poll that asks "what changed after N"
never misses one committed late.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from chat import delivery
from chat.errors import ERROR_MESSAGES
from chat.models import Conversation, ConversationParticipant, Message, MessageEdit
from chat.services.messages import message_body_clean, refuse_if_blocked


def edit_window_ends(message: Message) -> datetime:
    """Return when *message* stops being editable and deletable by its sender (aware datetime):
    ``created_at`` + MARKETPLACE_EDIT_WINDOW_S seconds."""
    return message.created_at + timedelta(seconds=settings.MARKETPLACE_EDIT_WINDOW_S)


def messages_mark_changed_locked(
    *,
    conversation: Conversation,
    message_ids: list[int],
    list_changed: bool = False,
    quotes_changed: bool = True,
) -> int:
    """Record that messages *message_ids* of *conversation* (locked by the caller with
    ``select_for_update``) changed after sending, and return the new change seq.

    The conversation's ``change_seq`` grows by one and the messages, and with *quotes_changed*
    the replies quoting them (a quote shows its original's current text and state), get it as theirs;
    both participants' poll tokens are replaced on commit, and their lists' too when *list_changed* (the
    list preview shows the change).
    """
    seq = conversation.change_seq + 1
    now = timezone.now()
    Conversation.objects.filter(pk=conversation.pk).update(change_seq=seq, updated_at=now)
    changed = Q(pk__in=message_ids)
    if quotes_changed:
        changed |= Q(reply_to_id__in=message_ids)
    Message.objects.filter(changed, conversation=conversation).update(change_seq=seq)
    conversation.change_seq = seq
    participants = (conversation.buyer_id, conversation.seller_id)
    delivery.announce(
        conversation_views=[(conversation.public_id, user_id) for user_id in participants],
        user_ids=participants if list_changed else (),
    )
    return seq


def message_edit_check(*, message: Message, user: User, now: datetime | None = None) -> None:
    """Raise what ``message_edit`` and ``message_delete`` would raise for *user* and *message*, except for
    blocks (checked under the lock): PermissionDenied when *user* is not the sender, ValidationError with
    code ``not_editable``, ``message_removed``, ``message_deleted`` or ``edit_window_closed``. Runs no
    query: pages use it to decide whether to offer the actions."""
    if message.sender_id != user.pk:
        raise PermissionDenied("Only the sender can change a message.")
    if message.kind != Message.Kind.TEXT:
        raise ValidationError(ERROR_MESSAGES["not_editable"], code="not_editable")
    if message.removed_by_moderator_at is not None:
        raise ValidationError(ERROR_MESSAGES["message_removed"], code="message_removed")
    if message.deleted_at is not None:
        raise ValidationError(ERROR_MESSAGES["message_deleted"], code="message_deleted")
    if (now or timezone.now()) >= edit_window_ends(message):
        raise ValidationError(
            ERROR_MESSAGES["edit_window_closed"],
            code="edit_window_closed",
            params={"minutes": settings.MARKETPLACE_EDIT_WINDOW_S // 60},
        )


def _lock_own_message(
    *, message: Message, user: User, now: datetime, deleted_ok: bool = False
) -> tuple[Conversation, Message]:
    """Lock *message*'s conversation, re-read *message* under the lock and check that *user* may still
    change it (``message_edit_check``, and no block between the two). Returns ``(conversation, message)``
    as locked and re-read. *deleted_ok*: the sender's own deleted message is returned unchecked (deleting
    it again changes nothing)."""
    conversation = Conversation.objects.select_for_update().get(pk=message.conversation_id)
    message = Message.objects.get(pk=message.pk)
    if deleted_ok and message.deleted_at is not None and message.sender_id == user.pk:
        return conversation, message
    message_edit_check(message=message, user=user, now=now)
    refuse_if_blocked(sender=user, recipient_id=conversation.other_user_id(user.pk))
    return conversation, message


@transaction.atomic
def message_edit(*, message: Message, editor: User, body: str) -> Message:
    """Replace the text of *editor*'s own *message* with *body* and return the message as stored.

    The previous text is kept as a MessageEdit row (moderators read the history; the other participant
    sees the new text marked "edited"). Photos stay; with photos the text may become empty. An unchanged
    text writes nothing. Safety notes and search follow the new text (both read ``body``).

    Raises PermissionDenied when *editor* is not the sender, ValidationError for a bad body (codes of
    ``message_body_clean``), a message that is not plain text (``not_editable``), deleted
    (``message_deleted``) or removed by a moderator (``message_removed``), past MARKETPLACE_EDIT_WINDOW_S
    seconds (``edit_window_closed``), or a block between the two (``blocked``, ``blocked_by_you``).
    Locks the conversation row.
    """
    now = timezone.now()
    conversation, message = _lock_own_message(message=message, user=editor, now=now)
    body = message_body_clean(body, allow_empty=message.photo_count > 0)
    if body == message.body:
        return message
    MessageEdit.objects.create(message=message, body=message.body, edited_at=now)
    message.body = body
    message.edited_at = now
    message.save(update_fields=["body", "edited_at"])
    message.change_seq = messages_mark_changed_locked(
        conversation=conversation,
        message_ids=[message.pk],
        list_changed=conversation.last_message_id == message.pk,
    )
    return message


@transaction.atomic
def message_delete(*, message: Message, user: User) -> Message:
    """Delete *user*'s own *message* for both participants ("Delete for everyone") and return it as stored.

    Both see "Message deleted" in its place; the body and photos stay in the row as evidence for
    moderators, but leave search, the list preview and the photo view. If the other participant had not
    read it, their unread count drops by one (unread counts and emails never count a deleted message).
    Deleting a deleted message changes nothing.

    Raises PermissionDenied when *user* is not the sender; ValidationError for a message that is not plain
    text (``not_editable``), removed by a moderator (``message_removed``), past MARKETPLACE_EDIT_WINDOW_S
    (``edit_window_closed``), or a block between the two (``blocked``, ``blocked_by_you``). Locks the
    conversation row, then the other participant's row.
    """
    now = timezone.now()
    conversation, message = _lock_own_message(message=message, user=user, now=now, deleted_ok=True)
    if message.deleted_at is not None:
        return message
    message.deleted_at = now
    message.save(update_fields=["deleted_at"])
    other = (
        ConversationParticipant.objects.select_for_update()
        .filter(conversation=conversation)
        .exclude(user=user)
        .first()
    )
    if other is not None and message.pk > (other.last_read_message_id or 0) and other.unread_count > 0:
        other.unread_count -= 1
        other.updated_at = now
        other.save(update_fields=["unread_count", "updated_at"])
    message.change_seq = messages_mark_changed_locked(
        conversation=conversation, message_ids=[message.pk], list_changed=True
    )
    return message
