"""Named rate limits (``settings.MARKETPLACE_RATE_LIMITS``), counted in the cache by django-ratelimit."""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext
from django_ratelimit import core as ratelimit_core
from django_ratelimit.core import get_usage


class RateLimited(Exception):
    """Raised when a named rule's window is full; ``retry_after_s`` is the seconds until it reopens."""

    def __init__(self, rule: str, retry_after_s: int):
        self.rule = rule
        self.retry_after_s = max(1, retry_after_s)
        super().__init__(f"rate limit {rule}: retry in {self.retry_after_s} s")

    @property
    def message(self) -> str:
        """What to tell the person: how long to wait."""
        return gettext("You're doing that too often. Please slow down and try again in %(wait)s.") % {
            "wait": wait_text(self.retry_after_s)
        }


def wait_text(seconds: int) -> str:
    """Return "N s", "N min" or "N h" for a wait of *seconds* (rounded up)."""
    if seconds < 90:
        return gettext("%(count)s s") % {"count": seconds}
    if seconds < 90 * 60:
        return gettext("%(count)s min") % {"count": -(-seconds // 60)}
    return gettext("%(count)s h") % {"count": -(-seconds // 3600)}


def check_rate_limit(request: HttpRequest, rule: str, *, key: str = "user", increment: bool = True) -> None:
    """Count one request against every window of *rule* and raise RateLimited when any is exceeded.

    *rule* is a key of ``settings.MARKETPLACE_RATE_LIMITS`` (``[(window seconds, max requests), ...]``);
    *key* is a django-ratelimit key: ``"user"`` (the user id, the address for anonymous requests),
    ``"ip"``, or a callable ``(group, request) -> str``. A request over the limit still counts (a bot
    hammering stays blocked). With ``increment=False`` nothing is counted: it raises when the next request
    would be over the limit, for actions counted only once they succeed (``rate_limit_count``).
    Raises KeyError for an unknown rule. If the cache fails, the limit is not applied
    (``RATELIMIT_FAIL_OPEN``, see settings).
    """
    retry_after = None
    for window_s, usage in _usages(request, rule, key=key, increment=increment):
        if usage is None:
            continue
        over = usage["should_limit"] if increment else usage["count"] >= usage["limit"]
        if over:
            # time_left is -1 when the cache could not count: wait a whole window then.
            wait = usage["time_left"] if usage["time_left"] > 0 else window_s
            retry_after = max(retry_after or 0, wait)
    if retry_after is not None:
        raise RateLimited(rule, retry_after)


def rate_limit_count(request: HttpRequest, rule: str, *, key: str = "user") -> None:
    """Count one request against every window of *rule* without refusing anything (the action already
    succeeded; ``check_rate_limit(..., increment=False)`` refused it beforehand if it was over)."""
    list(_usages(request, rule, key=key, increment=True))  # counting is the whole point


class Reservation:
    """The slots ``rate_limit_reserve`` took, by rule. ``release(*rules)`` gives back those rules' slots
    (all without arguments) when the action they were taken for did not happen; kept slots stay counted."""

    def __init__(self, cache=None, slots: dict[str, list[str]] | None = None):
        self._cache = cache
        self._slots = slots or {}

    def release(self, *rules: str) -> None:
        for rule in rules or list(self._slots):
            for cache_key in self._slots.pop(rule, []):
                try:
                    self._cache.decr(cache_key)
                except ValueError:
                    pass  # the window ended meanwhile, and its count went with it


def rate_limit_reserve(request: HttpRequest, rules: Sequence[str], *, key: str = "user") -> Reservation:
    """Take one slot in every window of every rule in *rules* and return them; raise RateLimited (with
    the longest wait) and keep none when any window is full.

    Each slot is one atomic increment (the cache's INCR) of the counter ``check_rate_limit`` uses, so
    concurrent requests never pass more than a limit: a check and a later count would let every request
    that checked before the others counted through. For actions counted only when they happen, the caller
    releases what did not happen (``Reservation.release``). Under contention this errs on the safe side: a
    slot another request is about to give back can refuse this one. *key* is ``"user"``, ``"ip"`` or
    ``"user_or_ip"``, or a callable as for ``check_rate_limit``. Raises KeyError for an unknown rule. If the
    cache fails, nothing is counted or refused (``RATELIMIT_FAIL_OPEN``, see settings).
    """
    if not getattr(settings, "RATELIMIT_ENABLE", True):
        return Reservation()
    cache = caches[getattr(settings, "RATELIMIT_USE_CACHE", "default")]
    slots: dict[str, list[str]] = {}
    over, retry_after = None, 0
    for rule in rules:
        for window_s, limit in settings.MARKETPLACE_RATE_LIMITS[rule]:
            cache_key, count, time_left = _take_slot(request, cache, rule, window_s, limit, key=key)
            if count is None:
                continue
            slots.setdefault(rule, []).append(cache_key)
            if count > limit:
                over = over or rule
                retry_after = max(retry_after, time_left if time_left > 0 else window_s)
    reservation = Reservation(cache, slots)
    if over is not None:
        reservation.release()
        raise RateLimited(over, retry_after)
    return reservation


def _take_slot(request, cache, rule: str, window_s: int, limit: int, *, key) -> tuple[str, int | None, int]:
    """Count one in *rule*'s *window_s* window under django-ratelimit's own cache key (``get_usage``
    builds it the same way), so ``check_rate_limit`` sees the same counter; return (cache key, count or
    None when the cache could not count, seconds until the window ends)."""
    group, rate = f"{rule}:{window_s}", f"{limit}/{window_s}s"
    value = key(group, request) if callable(key) else ratelimit_core._SIMPLE_KEYS[key](request)
    window = ratelimit_core._get_window(value, window_s)
    cache_key = ratelimit_core._make_cache_key(group, window, rate, value, ratelimit_core.ALL)
    time_left = window - int(ratelimit_core.time.time())
    if cache.add(cache_key, 1, window_s + ratelimit_core.EXPIRATION_FUDGE):
        return cache_key, 1, time_left
    try:
        count = cache.incr(cache_key)
    except ValueError:
        count = None  # expired between the two calls, or the cache is down (memcached)
    return cache_key, count or None, time_left


def _usages(request: HttpRequest, rule: str, *, key, increment: bool):
    """Yield ``(window seconds, django-ratelimit usage or None)`` for each window of *rule*."""
    for window_s, limit in settings.MARKETPLACE_RATE_LIMITS[rule]:
        group, rate = f"{rule}:{window_s}", f"{limit}/{window_s}s"
        yield window_s, get_usage(request, group=group, key=key, rate=rate, increment=increment)


def with_retry_after(response: HttpResponse, limited: RateLimited | None) -> HttpResponse:
    """Return *response* as 429 with ``Retry-After`` (seconds) when *limited* caused it, else unchanged."""
    if limited is not None:
        response.status_code = 429
        response["Retry-After"] = str(limited.retry_after_s)
    return response
