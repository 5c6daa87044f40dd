"""The chat's models, one module per topic; import them from here (``from chat.models import Message``)."""

from chat.models.conversations import PIN_SLOTS, Conversation, ConversationParticipant, Offer
from chat.models.labels import LABEL_NAME_MAX_LENGTH, LABELS_PER_USER, ConversationLabel, ParticipantLabel
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
    "LABELS_PER_USER",
    "LABEL_NAME_MAX_LENGTH",
    "AWAY_TEXT_MAX_LENGTH",
    "QUICK_REPLIES_MAX",
    "QUICK_REPLY_DEFAULTS",
    "QUICK_REPLY_MAX_LENGTH",
    "AwayReply",
    "ReplySettings",
    "MESSAGE_MAX_LENGTH",
    "PIN_SLOTS",
    "MESSAGE_REACTIONS",
    "REVIEW_TEXT_MAX_LENGTH",
    "Conversation",
    "ConversationLabel",
    "ConversationParticipant",
    "Message",
    "MessageEdit",
    "MessagePhoto",
    "MessageReaction",
    "Offer",
    "ParticipantLabel",
    "ResponseTime",
    "Review",
    "message_photo_upload_to",
]
