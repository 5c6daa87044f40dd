"""Named rate limits (``settings.MARKETPLACE_RATE_LIMITS``), counted in the cache by django-ratelimit."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext
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
