"""The API's receipts: the status of one's own messages (sent, delivered, read) and the other participant's
delivery pointer, from ``selectors.receipt_pointers`` (one rule for the site and the API)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from chat import selectors
from chat.models import Message

MESSAGE_STATUSES = ["sent", "delivered", "read"]


def receipts_context(*, viewer, conversation) -> dict:
    """What ``MessageStatusSerializer`` needs in the serializer context: *viewer* and their receipt
    pointers in *conversation* (no query: the conversation from ``chat.access`` carries them)."""
    return {
        "viewer": viewer,
        "receipts": selectors.receipt_pointers(viewer=viewer, conversation=conversation),
    }


class MessageStatusSerializer(serializers.Serializer):
    status = serializers.SerializerMethodField(
        help_text="Your own messages' receipt: sent, delivered (fetched by the other participant's device) "
        "or read (only when both share read receipts); null for theirs and for notices."
    )

    @extend_schema_field(serializers.ChoiceField(choices=MESSAGE_STATUSES, allow_null=True))
    def get_status(self, message) -> str | None:
        if message.sender_id != self.context["viewer"].pk or message.kind == Message.Kind.SYSTEM:
            return None
        read_up_to, delivered_up_to = self.context["receipts"]
        return selectors.message_status(message.id, read_up_to=read_up_to, delivered_up_to=delivered_up_to)


class DeliveryPointerSerializer(serializers.Serializer):
    other_delivered_up_to = serializers.SerializerMethodField(
        help_text="The newest message id the other participant's device has fetched (0: none); your "
        "messages up to it are delivered. Shown whatever the read-receipts setting; never behind "
        "`other_read_up_to`."
    )

    def get_other_delivered_up_to(self, conversation) -> int:
        return selectors.receipt_pointers(viewer=self.context["viewer"], conversation=conversation)[1]
