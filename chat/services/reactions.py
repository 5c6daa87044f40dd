"""Reactions to messages: one of a fixed set per participant per message."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F

from accounts.models import User
from chat.errors import ERROR_MESSAGES
from chat.models import MESSAGE_REACTIONS, Conversation, Message, MessageReaction
from chat.services.edits import messages_mark_changed_locked
from chat.services.messages import refuse_if_blocked


@transaction.atomic
def message_react(*, message: Message, user: User, emoji: str, on: bool = True) -> str | None:
    """Set (*on*) or take back (not *on*) *user*'s reaction *emoji* on *message*; return *user*'s reaction
    on it afterwards (an emoji, or None).

    A participant has at most one reaction per message: setting another one replaces it. The request says
    which state it wants, not "toggle", so a repeated or retried POST leaves the same state; taking back a
    reaction the user does not have changes nothing. The (message, user) unique constraint backs the rule.

    Raises PermissionDenied when *user* is not a participant; ValidationError for an emoji outside
    MESSAGE_REACTIONS (``reaction_unknown``), a system notice (``not_reactable``), a deleted or removed
    message (``message_deleted``, ``message_removed``) or a block between the two (``blocked``,
    ``blocked_by_you``). Locks the conversation row.
    """
    if emoji not in MESSAGE_REACTIONS:
        raise ValidationError(ERROR_MESSAGES["reaction_unknown"], code="reaction_unknown")
    conversation = Conversation.objects.select_for_update().get(pk=message.conversation_id)
    if user.pk not in (conversation.buyer_id, conversation.seller_id):
        raise PermissionDenied("Only participants can react to a message.")
    message = Message.objects.get(pk=message.pk)
    if message.kind == Message.Kind.SYSTEM:
        raise ValidationError(ERROR_MESSAGES["not_reactable"], code="not_reactable")
    if message.removed_by_moderator_at is not None:
        raise ValidationError(ERROR_MESSAGES["message_removed"], code="message_removed")
    if message.deleted_at is not None:
        raise ValidationError(ERROR_MESSAGES["message_deleted"], code="message_deleted")
    refuse_if_blocked(sender=user, recipient_id=conversation.other_user_id(user.pk))
    current = MessageReaction.objects.filter(message=message, user=user).first()
    if on and current is None:
        MessageReaction.objects.create(message=message, user=user, emoji=emoji)
        Message.objects.filter(pk=message.pk).update(reaction_count=F("reaction_count") + 1)
    elif on and current.emoji != emoji:
        current.emoji = emoji
        current.save(update_fields=["emoji"])
    elif not on and current is not None and current.emoji == emoji:
        current.delete()
        Message.objects.filter(pk=message.pk).update(reaction_count=F("reaction_count") - 1)
    else:
        return current.emoji if current else None
    messages_mark_changed_locked(conversation=conversation, message_ids=[message.pk], quotes_changed=False)
    return emoji if on else None
