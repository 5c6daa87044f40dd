import logging

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from accounts import services

logger = logging.getLogger(__name__)


def last_seen_cache_key(user_id: int) -> str:
    return f"accounts:last-seen-written:{user_id}"


def refresh_last_seen(user_id: int, *, gate_seen: bool = False) -> None:
    """Write ``User.last_seen_at`` for *user_id* unless it was written in the last online window.

    The gate is an atomic ``cache.add`` (so several server processes sharing Redis write at most once per
    window); *gate_seen* means the caller already found the gate key in the cache and saves a round trip.
    Never raises: "last seen" is a side effect of a request that has its answer (an accepted send, a 204
    poll), so a failing cache or database is logged and the write skipped.
    """
    if gate_seen:
        return
    try:
        if cache.add(last_seen_cache_key(user_id), 1, timeout=settings.MARKETPLACE_ONLINE_WINDOW_S):
            services.user_touch_last_seen(user_id=user_id, now=timezone.now())
    except Exception:  # noqa: BLE001 - see the docstring
        logger.warning("last seen not refreshed for user %s", user_id, exc_info=True)


class LastSeenMiddleware:
    """Refresh ``User.last_seen_at`` at most once per MARKETPLACE_ONLINE_WINDOW_S seconds per user.

    Runs after the view, so a failure here (the database or the cache going away) is logged and
    skipped: it must not turn a response, such as an accepted send, into an error. The cache-only
    "nothing new" poll never reaches it (``chat.polling.gate`` answers first and refreshes last-seen
    itself). An open chat polls every 30 s, so an active user is rewritten within 30 s of the window and
    stays "online".
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            refresh_last_seen(user.pk)
        return response
