"""Rendered chat fragments (the conversation list pane, a page of messages) cached under the poll tokens.

A fragment's key holds everything its HTML depends on: the viewer, the poll token of what it shows
(``chat.delivery.tokens``: replaced after every commit that changes it, including the other person's profile
and read pointer), the page's parameters, the viewer's language, time zone and local date (times and
"Today"), and,
for message pages, the viewer's CSRF secret (offer cards hold forms). So a cached fragment is never stale:
any change produces a different key and the next render misses. Entries can also carry ``valid_until``
(a pending offer turning "expired" with time alone). ``MARKETPLACE_FRAGMENT_CACHE_S = 0`` turns this off.

Why: rendering 20 list rows or 50 messages with Django templates is most of a page's cost (see the issue-5
note); switching conversations re-renders an unchanged list pane every time.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

logger = logging.getLogger(__name__)

# Part of every key: raise it when the rendered markup's ids or the stored fields change, so a deploy never
# serves a fragment rendered by the code before it (2: the cursor's "changes" became "change_seq").
MARKUP_VERSION = 2


def key(kind: str, *parts) -> str:
    """Return the cache key of fragment *kind* for *parts* (any str()-able values), with the viewer's
    language, time zone and local date added."""
    parts = (
        *parts,
        translation.get_language(),
        timezone.get_current_timezone_name(),
        timezone.localdate().isoformat(),
    )
    digest = hashlib.blake2b("\x1f".join(map(str, parts)).encode(), digest_size=16).hexdigest()
    return f"chat:fragment:v{MARKUP_VERSION}:{kind}:{digest}"


def csrf_secret(request) -> str:
    """Return the viewer's CSRF secret, part of the key of every fragment that holds forms (their tokens
    are masked forms of it). "" before the browser has the CSRF cookie: such a fragment is then rendered
    but not cached, because the secret generated for this response is not the one its key would name."""
    return request.META.get("CSRF_COOKIE", "")


def get(fragment_key: str) -> dict | None:
    """Return the cached value stored by ``put`` (its ``html`` marked safe), or None: missing, past its
    ``valid_until``, caching off, or the cache unreachable."""
    if not settings.MARKETPLACE_FRAGMENT_CACHE_S:
        return None
    try:
        value = cache.get(fragment_key)
    except Exception:  # noqa: BLE001 - a broken cache means rendering, not an error page
        logger.warning("fragment cache unavailable", exc_info=True)
        return None
    if value is None:
        return None
    valid_until = value.get("valid_until")
    if valid_until is not None and timezone.now() >= valid_until:
        return None
    value["html"] = mark_safe(value["html"])  # noqa: S308 - our own rendered template output
    return value


def put(fragment_key: str, html: SafeString, *, valid_until: datetime | None = None, **extra) -> None:
    """Store rendered *html* (and small *extra* values the page needs without re-reading) for
    MARKETPLACE_FRAGMENT_CACHE_S seconds, or until *valid_until* (aware datetime) if sooner."""
    if not settings.MARKETPLACE_FRAGMENT_CACHE_S:
        return
    try:
        cache.set(
            fragment_key,
            {"html": str(html), "valid_until": valid_until, **extra},
            timeout=settings.MARKETPLACE_FRAGMENT_CACHE_S,
        )
    except Exception:  # noqa: BLE001
        logger.warning("fragment cache unavailable", exc_info=True)
