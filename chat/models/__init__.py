"""The chat's models, one module per topic; import them from here (``from chat.models import Message``)."""

from chat.models.conversations import Conversation, ConversationParticipant, Offer
from chat.models.messages import (
    MESSAGE_MAX_LENGTH,
    MESSAGE_REACTIONS,
    Message,
    MessageEdit,
    MessagePhoto,
    MessageReaction,
    message_photo_upload_to,
)

__all__ = [
    "MESSAGE_MAX_LENGTH",
    "MESSAGE_REACTIONS",
    "Conversation",
    "ConversationParticipant",
    "Message",
    "MessageEdit",
    "MessagePhoto",
    "MessageReaction",
    "Offer",
    "message_photo_upload_to",
]
