"""The per-user event stream that carries hints (``chat.delivery.hints``), held open by Pushpin: the
browser's (``conversation_stream``, session) and the apps' (``app_stream``, device token, in the API).

With hints off, the stream answers 204 (an EventSource does not reconnect after it).
"""

from __future__ import annotations

from django.db.models import Q
from django.http import HttpResponse
from django.views.decorators.http import require_GET
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.decorators import api_view, content_negotiation_class
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.response import Response

from accounts.models import User, UserBlock
from chat.models import ConversationParticipant
from marketplace import pushpin
from marketplace.api import ErrorSerializer
from marketplace.http import HtmxHttpRequest

# How many people's presence one stream follows: the other participants of the user's most recent
# conversations. A presence change is one publish on its own channel whatever the number of watchers.
PRESENCE_FAN_OUT = 20

# Sent first on every stream: how long the browser waits before reconnecting (milliseconds), and an
# event the page can see the connection by.
STREAM_HELLO = "retry: 5000\n\n" + pushpin.event_stream_chunk([("ready", "{}")])


@require_GET
def conversation_stream(request: HtmxHttpRequest) -> HttpResponse:
    """Open the logged-in user's event stream: GRIP instructions telling Pushpin to hold the connection
    subscribed to the user's own channel (``pushpin.user_channel``), and nobody else's: the channel comes
    from the session, never from the request. It also follows the presence channels
    (``pushpin.presence_channel``) of the people the user may see online among the other participants
    of their PRESENCE_FAN_OUT most recent conversations (``presence_partner_ids``, one query),
    so an open conversation's "online / last seen" changes as soon as theirs does.

    403 for anyone not logged in or suspended (an EventSource gives up on it); 204 when push is off or
    the request did not come through Pushpin (an EventSource stops reconnecting on 204)."""
    if not (request.user.is_authenticated and request.user.is_active):
        return HttpResponse(status=403)
    if not pushpin.proxied(request):
        return HttpResponse(status=204)
    response = HttpResponse(STREAM_HELLO, content_type="text/event-stream")
    partners = presence_partner_ids(user=request.user, limit=PRESENCE_FAN_OUT)
    return pushpin.hold_stream(
        response,
        channel=pushpin.user_channel(request.user.pk),
        also=[pushpin.presence_channel(partner) for partner in partners],
    )


def presence_partner_ids(*, user: User, limit: int) -> list[int]:
    """Return the ids of the people whose "online / last seen" *user* may see, among the other
    participants of *user*'s *limit* most recent conversations (by the participant's own
    ``last_message_at``, off ``participant_list_idx``): both share last seen (the setting is reciprocal),
    they are active, and neither blocked the other. [] when *user* does not share last seen. One query."""
    if not user.share_last_seen:
        return []
    recent = (
        ConversationParticipant.objects.filter(user=user)
        .order_by("-last_message_at")
        .values("conversation_id")[:limit]
    )
    blocked = UserBlock.objects.filter(Q(blocker=user) | Q(blocked=user))
    return list(
        ConversationParticipant.objects.filter(
            conversation_id__in=recent, user__share_last_seen=True, user__is_active=True
        )
        .exclude(user=user)
        .exclude(user_id__in=blocked.values("blocked_id"))
        .exclude(user_id__in=blocked.values("blocker_id"))
        .values_list("user_id", flat=True)
        .distinct()
    )


class _FirstRenderer(BaseContentNegotiation):
    """JSON for every refusal, whatever the Accept header asks (an SSE client sends text/event-stream):
    the stream itself is a plain HttpResponse, not rendered by DRF."""

    def select_parser(self, request, parsers):
        return parsers[0]

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


STREAM_DESCRIPTION = """\
Events, one per line pair, never with message text (fetch it with the change endpoints):
`ready` (sent first on every connection: run your change calls now, with the cursors you hold, to cover
any gap since the last connection), `list` (the conversation list or the unread count changed: call
`GET /changes/`), `conversation-<public id>` (that conversation changed: call its `changes/` with your
`after`/`change_seq`) and `typing-<public id>` (the other participant is typing there). A `:` comment
line every 25 s keeps the connection open; `retry: 5000` asks for a reconnect after 5 s."""


@extend_schema(
    operation_id="event_stream",
    parameters=[
        OpenApiParameter(
            "Last-Event-ID",
            str,
            OpenApiParameter.HEADER,
            required=False,
            description="Sent by SSE clients on a reconnect; accepted and not needed: events carry no id, "
            "the change cursors are the app's position, and `ready` says to sync from them.",
        )
    ],
    responses={
        (200, "text/event-stream"): OpenApiResponse(OpenApiTypes.STR, description=STREAM_DESCRIPTION),
        204: OpenApiResponse(
            description="Push is off, or the request did not come through the realtime "
            "proxy: poll the change endpoints instead (an SSE client stops on 204)."
        ),
        401: ErrorSerializer,
    },
)
@api_view(["GET"])
@content_negotiation_class(_FirstRenderer)
def app_stream(request):
    """Open the device's event stream: the hints the browser gets (no message text), held by Pushpin.

    The token is checked here, at subscribe (401 without a valid one); the channels come from it, never
    from the request: the user's own (``pushpin.user_channel``) and this device's
    (``pushpin.device_channel``, closed when the device is revoked). A hint only says "something changed":
    a lost one (a dropped connection) costs nothing, since the app's next change call with its cursor
    (``after``, ``change_seq``, the ETag) fetches everything after it, and every (re)connection starts
    with ``ready`` to make that call. 204 when push is off or the request did not come through Pushpin."""
    if not pushpin.proxied(request):
        return Response(status=204)
    channels = [pushpin.user_channel(request.user.pk)]
    device = getattr(request.auth, "public_id", None)
    if device:
        channels.append(pushpin.device_channel(device))
    response = HttpResponse(STREAM_HELLO, content_type="text/event-stream")
    return pushpin.hold_stream(response, channel=", ".join(channels))
