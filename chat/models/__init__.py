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
from chat.models.replies import (
    AWAY_TEXT_MAX_LENGTH,
    QUICK_REPLIES_MAX,
    QUICK_REPLY_DEFAULTS,
    QUICK_REPLY_MAX_LENGTH,
    AwayReply,
    ReplySettings,
)
from chat.models.reviews import REVIEW_TEXT_MAX_LENGTH, ResponseTime, Review

__all__ = [
    "AWAY_TEXT_MAX_LENGTH",
    "QUICK_REPLIES_MAX",
    "QUICK_REPLY_DEFAULTS",
    "QUICK_REPLY_MAX_LENGTH",
    "AwayReply",
    "ReplySettings",
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
