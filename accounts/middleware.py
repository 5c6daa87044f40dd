import logging
import time

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


def mark_away(request) -> bool:
    """Record that the logged-in user of *request* closed the site (``services.user_mark_away``), at most
    once a minute per user (a cache gate: reloads and tab flapping write nothing more), and open the
    last-seen gate so their next request writes ``last_seen_at`` again and shows them online at once.
    This request itself writes no last seen (``LastSeenMiddleware`` skips it). Returns True if written."""
    request.skip_last_seen = True
    user_id = request.user.pk
    if not cache.add(f"accounts:away-written:{user_id}", 1, timeout=60):
        return False
    services.user_mark_away(user_id=user_id, now=timezone.now())
    cache.delete(last_seen_cache_key(user_id))
    return True


def page_open_cache_key(user_id: int) -> str:
    return f"accounts:page-open:{user_id}"


def mark_page_open(user_id: int, *, marked_at: float | None = None) -> None:
    """Record that *user_id* has a page open and polling now (the Web Push notifier leaves such users to
    the page). *marked_at* is the value already read from the cache (a Unix time) by a caller that
    fetched the key with others: the key is rewritten only when it is older than half of
    MARKETPLACE_WEBPUSH_AFTER_S, so a poll costs a write at most every 30 s or so. Never raises."""
    now = time.time()
    after_s = settings.MARKETPLACE_WEBPUSH_AFTER_S
    if marked_at is not None and now - marked_at < after_s / 2:
        return
    try:
        cache.set(page_open_cache_key(user_id), now, timeout=after_s)
    except Exception:  # noqa: BLE001 - see refresh_last_seen
        logger.warning("open page not recorded for user %s", user_id, exc_info=True)


def users_with_open_pages(user_ids: list[int]) -> set[int]:
    """Return those of *user_ids* whose pages polled within the last MARKETPLACE_WEBPUSH_AFTER_S seconds
    (one cache round trip; a cache that cannot answer counts nobody as present, so pushes still go)."""
    try:
        found = cache.get_many([page_open_cache_key(user_id) for user_id in user_ids])
    except Exception:  # noqa: BLE001
        logger.warning("open pages unknown: cache unavailable", exc_info=True)
        return set()
    return {user_id for user_id in user_ids if page_open_cache_key(user_id) in found}


class LastSeenMiddleware:
    """Refresh ``User.last_seen_at`` at most once per MARKETPLACE_ONLINE_WINDOW_S seconds per user.

    Runs after the view, so a failure here (the database or the cache going away) is logged and
    skipped: it must not turn a response, such as an accepted send, into an error. The cache-only
    "nothing new" poll never reaches it (``chat.delivery.gate`` answers first and refreshes last-seen
    itself). An open chat polls every 30 s, so an active user is rewritten within 30 s of the window and
    stays "online".
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not getattr(request, "skip_last_seen", False):
            read_user_id, read = getattr(request, "presence_read", (None, None))
            refresh_presence(user.pk, found=read if read_user_id == user.pk else None)
        return response


def refresh_presence(user_id: int, *, found: dict | None = None) -> None:
    """``refresh_last_seen`` and ``mark_page_open`` for *user_id* after a page or a full poll, reading both
    gates in one cache round trip (none when *found*, ``{key: value}`` of those the caller already read,
    is given: the poll gate's): an active user's request then writes nothing (a write only when a gate
    has lapsed). Never raises."""
    gate, page_open = last_seen_cache_key(user_id), page_open_cache_key(user_id)
    if found is None:
        try:
            found = cache.get_many([gate, page_open])
        except Exception:  # noqa: BLE001 - see refresh_last_seen; both gates then write as if lapsed
            logger.warning("presence gates unreadable for user %s", user_id, exc_info=True)
            found = {}
    refresh_last_seen(user_id, gate_seen=gate in found)
    mark_page_open(user_id, marked_at=found.get(page_open))
