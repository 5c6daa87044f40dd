"""The per-user event stream that carries hints (``chat.delivery.hints``), held open by Pushpin.

With hints off, the stream answers 204 (an EventSource does not reconnect after it).
"""

from __future__ import annotations

from django.db.models import Q
from django.http import HttpResponse
from django.views.decorators.http import require_GET

from accounts.models import User, UserBlock
from chat.models import ConversationParticipant
from marketplace import pushpin
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
