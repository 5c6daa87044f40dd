"""The live side of the chat: the per-user event stream (held by Pushpin), typing pings and presence.

All of it is a hint on top of the polls (``marketplace.push``): with push off, the stream answers 204 (an
EventSource does not reconnect after it), typing pings do nothing, and presence still refreshes.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from chat import access, presenters
from marketplace import push
from marketplace.http import HtmxHttpRequest, login_required

# Sent first on every stream: how long the browser waits before reconnecting (milliseconds), and an
# event the page can see the connection by.
STREAM_HELLO = "retry: 5000\n\n" + push.event_stream_chunk([("ready", "{}")])


@require_GET
def conversation_stream(request: HtmxHttpRequest) -> HttpResponse:
    """Open the logged-in user's event stream: GRIP instructions telling Pushpin to hold the connection
    subscribed to the user's own channel (``push.user_channel``), and nobody else's: the channel comes
    from the session, never from the request.

    403 for anyone not logged in or suspended (an EventSource gives up on it); 204 when push is off or
    the request did not come through Pushpin (an EventSource stops reconnecting on 204)."""
    if not (request.user.is_authenticated and request.user.is_active):
        return HttpResponse(status=403)
    if not push.proxied(request):
        return HttpResponse(status=204)
    response = HttpResponse(STREAM_HELLO, content_type="text/event-stream")
    return push.hold_stream(response, channel=push.user_channel(request.user.pk))


@login_required
@require_POST
def conversation_typing(request: HtmxHttpRequest, public_id: str) -> HttpResponse:
    """Tell the other participant's open pages that the viewer is typing (a ``typing-<public id>`` event,
    no text). Only when both share "when I was last online", neither blocked the other and push is on;
    at most one event per MARKETPLACE_TYPING_PING_S seconds per person and conversation. Always 204
    (Http404 for non-participants)."""
    conversation = access.access_conversation(user=request.user, public_id=public_id)
    other = conversation.other_participant(request.user)
    allowed = (
        push.enabled()
        and request.user.share_last_seen
        and other.share_last_seen
        and not (conversation.i_blocked_other or conversation.other_blocked_me)
    )
    throttle_key = f"chat:typing:{conversation.public_id}:{request.user.pk}"
    if allowed and cache.add(throttle_key, 1, timeout=settings.MARKETPLACE_TYPING_PING_S):
        # No words: each open page says "typing…" in the language it was rendered in (typing.js), which the
        # sender's request cannot know (the reader's Accept-Language). An event needs some data to fire.
        push.publish(push.user_channel(other.pk), [(f"typing-{conversation.public_id}", "typing")])
    return HttpResponse(status=204)


@login_required
@require_GET
def participant_presence(request: HtmxHttpRequest, public_id: str) -> HttpResponse:
    """Return the other participant's status ("online", "last seen 5 minutes ago") for the open
    conversation's presence poll. Http404 for non-participants."""
    token, conversation = access.access_conversation_with_token(user=request.user, public_id=public_id)
    context = presenters.participant_context(request, conversation, token=token)
    return render(request, f"{presenters.PAGE_TEMPLATE}#participant-status", context)
