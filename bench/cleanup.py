"""Removing what a benchmark created (imported after ``django.setup()``)."""

from chat.models import Conversation, ConversationParticipant, Message


def delete_conversations(conversation_ids: list[int]) -> None:
    """Delete these conversations and their messages. The pointers to messages (last message, read and
    hidden pointers) are PROTECT foreign keys, so they are cleared first."""
    Conversation.objects.filter(pk__in=conversation_ids).update(last_message=None)
    ConversationParticipant.objects.filter(conversation_id__in=conversation_ids).update(
        last_read_message=None, hidden_up_to=None
    )
    Message.objects.filter(conversation_id__in=conversation_ids).delete()
    Conversation.objects.filter(pk__in=conversation_ids).delete()
