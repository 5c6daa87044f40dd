"""API: the live side of a conversation: typing pings and the other participant's presence (the event
stream is ``chat.delivery.stream.app_stream``). The rules are ``chat.presence``'s, as on the page."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import api_view
from rest_framework.response import Response

from chat import access, presence
from marketplace.api import ErrorSerializer


class PresenceSerializer(serializers.Serializer):
    """The other participant's presence: ``shown`` false (and the rest null) unless both share "when I
    was last online" and they are not suspended."""

    shown = serializers.BooleanField()
    online = serializers.BooleanField(allow_null=True, help_text="Seen in the last few minutes.")
    last_seen_at = serializers.DateTimeField(allow_null=True, help_text="Null when never seen or not shown.")


@extend_schema(
    request=None,
    responses={
        204: OpenApiResponse(description="Taken (sent on only when the rules allow)."),
        401: ErrorSerializer,
        404: ErrorSerializer,
    },
)
@api_view(["POST"])
def conversation_typing(request, public_id: str):
    """Tell the other participant the user is typing: a ``typing-<id>`` event on their streams, no text.

    Call it at most every few seconds while the user types. Sent on only when push is on, both share
    "when I was last online" and neither blocked the other; at most one event per
    MARKETPLACE_TYPING_PING_S seconds (``chat.presence.typing_ping``). Always 204 for a participant, so
    the answer tells nothing about the other side's settings; 404 for anyone else."""
    conversation = access.access_conversation(user=request.user, public_id=public_id)
    presence.typing_ping(conversation=conversation, user=request.user)
    return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(responses={200: PresenceSerializer, 401: ErrorSerializer, 404: ErrorSerializer})
@api_view(["GET"])
def participant_presence(request, public_id: str):
    """The other participant's "online / last seen", as the conversation page shows it.

    Both sides must share "when I was last online" (a reciprocal setting, ``PATCH settings/``); a
    suspended participant is never shown. Changes with time alone, so it has no ETag: ask again when the
    conversation is on screen (the page does every 60 s). 404 for non-participants."""
    conversation = access.access_conversation(user=request.user, public_id=public_id)
    other = conversation.other_participant(request.user)
    if not presence.shown(request.user, other):
        return Response({"shown": False, "online": None, "last_seen_at": None})
    body = {"shown": True, "online": other.is_online(), "last_seen_at": other.last_seen_at}
    return Response(PresenceSerializer(body).data)
