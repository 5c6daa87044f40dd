"""Live hints through the realtime proxy (Pushpin, GRIP): per-user event streams held by the proxy.

Django never holds a connection: the stream view answers at once with GRIP instructions (``hold_stream``)
and Pushpin keeps the browser's EventSource open; after a commit the services ``publish`` small events
("conversation X changed", "list changed", "typing in X") to the users' channels, and the page reacts by
running the poll it already has. An event carries no message text, and a lost one costs nothing: the
30-second poll still runs. ``MARKETPLACE_PUSH_URL`` empty (the default) turns all of this off.

Publishing goes through gripcontrol's GripPubControl (Fanout's library) in its background thread, so a
send never waits for the proxy and a proxy that is down only costs a logged warning. Requests Pushpin
forwards carry ``Grip-Sig``, a JWT signed with MARKETPLACE_PUSH_SIG_KEY (Pushpin's ``sig_key``):
``proxied`` checks it, so pages only connect to a stream when they were served through Pushpin.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Iterable

from django.conf import settings
from gripcontrol import GripPubControl, HttpStreamFormat, validate_sig

logger = logging.getLogger(__name__)

# Pushpin sends this comment on an idle stream every KEEP_ALIVE_S seconds, so intermediaries and the
# browser keep it open (EventSource ignores comments).
KEEP_ALIVE_S = 25
# Seconds the publishing thread waits for Pushpin's answer; a lost event costs nothing (the poll runs).
PUBLISH_TIMEOUT_S = 2

_lock = threading.Lock()
_publishers: dict[str, GripPubControl] = {}


def enabled() -> bool:
    """Return True when a realtime proxy is configured (MARKETPLACE_PUSH_URL, read at call time)."""
    return bool(settings.MARKETPLACE_PUSH_URL)


def user_channel(user_id: int) -> str:
    """Return the channel name of user *user_id*'s stream. Only the stream view subscribes to it, for
    the logged-in user themselves; browsers never name channels."""
    return f"user-{user_id}"


def presence_channel(user_id: int) -> str:
    """Return the channel that carries user *user_id*'s presence changes (a ``presence-<id>`` event, no
    data). The stream view subscribes a user to those of the people they may see online."""
    return f"presence-{user_id}"


def presence_changed(user_id: int) -> None:
    """Tell the pages subscribed to *user_id*'s presence that it changed (they fetch it again). Never
    raises; nothing when push is off."""
    publish(presence_channel(user_id), [(f"presence-{user_id}", "{}")])


def device_channel(public_id: str) -> str:
    """Return the channel name of one signed-in device's stream (its API token's *public_id*): closing it
    ends that device's streams alone (the device was revoked)."""
    return f"device-{public_id}"


def proxied(request) -> bool:
    """Return True when *request* came through the configured Pushpin: its ``Grip-Sig`` header is a JWT
    signed with MARKETPLACE_PUSH_SIG_KEY and not expired. False when push is off."""
    token = request.META.get("HTTP_GRIP_SIG")
    if not (enabled() and token and settings.MARKETPLACE_PUSH_SIG_KEY):
        return False
    try:
        return bool(validate_sig(token, settings.MARKETPLACE_PUSH_SIG_KEY))
    except Exception:  # noqa: BLE001 - a malformed token is simply not Pushpin's
        return False


def hold_stream(response, *, channel: str, also: Iterable[str] = ()):
    """Turn *response* (a text/event-stream answer) into GRIP instructions: Pushpin sends its body, then
    keeps the connection open subscribed to *channel* (one name, or several joined by ", ") and the
    channels *also*, with a keep-alive comment every KEEP_ALIVE_S seconds. Returns *response*."""
    response["Grip-Hold"] = "stream"
    response["Grip-Channel"] = ", ".join([channel, *also])
    response["Grip-Keep-Alive"] = f":\\n\\n; format=cstring; timeout={KEEP_ALIVE_S}"
    return response


def _publisher() -> GripPubControl:
    url = settings.MARKETPLACE_PUSH_URL
    with _lock:
        if url not in _publishers:
            # Several proxies (comma-separated URLs, Pushpin's multi-instance setup): each gets every event.
            proxies = [{"control_uri": one.strip()} for one in url.split(",") if one.strip()]
            publisher = GripPubControl(proxies)
            # pubcontrol posts with requests and no timeout: a Pushpin that accepted the connection and
            # never answered would stall the publishing thread and its queue for good.
            for client in publisher.clients:
                session = client.requests_session
                session.request = functools.partial(session.request, timeout=PUBLISH_TIMEOUT_S)
            _publishers[url] = publisher
        return _publishers[url]


def _log_failure(success: bool, message: str) -> None:
    if not success:
        logger.warning("push proxy did not take an event: %s", message)


def event_stream_chunk(events: list[tuple[str, str]]) -> str:
    """Return *events* (``(name, data)`` pairs; data one line of JSON or text) as text/event-stream."""
    return "".join(f"event: {name}\ndata: {data}\n\n" for name, data in events)


def publish(channel: str, events: list[tuple[str, str]]) -> None:
    """Send *events* (``(name, data)`` pairs, in order, as one chunk) to everyone streaming *channel*.

    Does nothing when push is off. Never raises and never blocks: the HTTP call to Pushpin's publish
    endpoint runs in gripcontrol's background thread; a failure is logged. Call it after the commit that
    the events describe (``chat.delivery.announce`` does, from ``on_commit``)."""
    if not enabled() or not events:
        return
    try:
        _publisher().publish_http_stream(
            channel, HttpStreamFormat(event_stream_chunk(events)), blocking=False, callback=_log_failure
        )
    except Exception:  # noqa: BLE001 - a hint that cannot be sent is not an error for the caller
        logger.warning("push proxy unavailable", exc_info=True)


def close(channel: str) -> None:
    """End every stream on *channel* (a suspended or logged-out user; their browser reconnects and the
    stream view decides again). Does nothing when push is off; never raises."""
    if not enabled():
        return
    try:
        _publisher().publish_http_stream(channel, HttpStreamFormat(close=True), blocking=False)
    except Exception:  # noqa: BLE001
        logger.warning("push proxy unavailable", exc_info=True)
