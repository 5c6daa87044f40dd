"""The per-user event stream that carries hints (``chat.delivery.hints``), held open by Pushpin.

With hints off, the stream answers 204 (an EventSource does not reconnect after it).
"""

from __future__ import annotations

from django.http import HttpResponse
from django.views.decorators.http import require_GET

from marketplace import pushpin
from marketplace.http import HtmxHttpRequest

# Sent first on every stream: how long the browser waits before reconnecting (milliseconds), and an
# event the page can see the connection by.
STREAM_HELLO = "retry: 5000\n\n" + pushpin.event_stream_chunk([("ready", "{}")])


@require_GET
def conversation_stream(request: HtmxHttpRequest) -> HttpResponse:
    """Open the logged-in user's event stream: GRIP instructions telling Pushpin to hold the connection
    subscribed to the user's own channel (``pushpin.user_channel``), and nobody else's: the channel comes
    from the session, never from the request.

    403 for anyone not logged in or suspended (an EventSource gives up on it); 204 when push is off or
    the request did not come through Pushpin (an EventSource stops reconnecting on 204)."""
    if not (request.user.is_authenticated and request.user.is_active):
        return HttpResponse(status=403)
    if not pushpin.proxied(request):
        return HttpResponse(status=204)
    response = HttpResponse(STREAM_HELLO, content_type="text/event-stream")
    return pushpin.hold_stream(response, channel=pushpin.user_channel(request.user.pk))
