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
from chat.models.reviews import REVIEW_TEXT_MAX_LENGTH, ResponseTime, Review

__all__ = [
    "MESSAGE_MAX_LENGTH",
    "MESSAGE_REACTIONS",
    "REVIEW_TEXT_MAX_LENGTH",
    "Conversation",
    "ConversationParticipant",
    "Message",
    "MessageEdit",
    "MessagePhoto",
    "MessageReaction",
    "Offer",
    "ResponseTime",
    "Review",
    "message_photo_upload_to",
]
