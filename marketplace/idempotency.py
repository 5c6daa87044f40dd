"""Idempotency keys for forms that create something (a message, a conversation, an offer, a report).

Each rendered form carries a fresh key in a hidden field; the row it creates stores the key under a
unique (sender, key) constraint. A repeated POST (a no-JS resubmit, a retry after a timeout, Send pressed
again after a network error) finds the row the first one created and gets the same answer, instead of a
second row. The scheme is the one Stripe documents for its API ("Idempotent requests") and the IETF
draft "The Idempotency-Key HTTP Header Field" standardises; the JSON API maps that header onto the same key.

A key stands for one request: the row also stores a ``fingerprint`` of what was asked (the cleaned body,
the reply, the photos), and the same key with a different request is refused (``idempotency_key_mismatch``:
422 in the API, as Stripe answers, and an error in place in the form) rather than answered with the first
request's row as though the second had been stored.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils.translation import gettext_lazy as _
from nanoid import generate

T = TypeVar("T")

FIELD = "idempotency_key"
MAX_LENGTH = 64
# nanoid (21 characters of [A-Za-z0-9_-]) and UUIDs (36, with hyphens) both fit.
KEY_RE = re.compile(r"[A-Za-z0-9_-]{16,64}")
ERROR = _("This form is out of date. Reload the page and try again; nothing was sent.")
MISMATCH = _("A different message was already sent from this form, so yours was not sent yet: send it again.")
FINGERPRINT_LENGTH = 64


def new_key() -> str:
    """Return a fresh key for one rendered form (21 nanoid characters, 126 random bits)."""
    return generate(size=21)


def read_key(data) -> str | None:
    """Return the idempotency key posted in *data* (a QueryDict or dict), or None when there is none (a
    page rendered before keys existed, a client that does not send one: no deduplication then).

    Raises ValidationError (code ``bad_idempotency_key``) for a value that is not 16–64 characters of
    ``[A-Za-z0-9_-]``.
    """
    value = data.get(FIELD) or ""
    if not value:
        return None
    if not KEY_RE.fullmatch(value):
        raise ValidationError(ERROR, code="bad_idempotency_key")
    return value


def key_to_render(data) -> str:
    """Return the key a re-rendered form carries: the one posted in *data* when valid (a refused
    submission created nothing, so a retry may reuse it), else a fresh one (also for ``data=None``)."""
    posted = (data or {}).get(FIELD) or ""
    return posted if KEY_RE.fullmatch(posted) else new_key()


def fingerprint(**request) -> str:
    """Return the SHA-256 (64 hex characters) of *request*: the fields that say what a keyed request
    asks for, as JSON-able values (the order of the keywords does not matter)."""
    canonical = json.dumps(request, sort_keys=True, ensure_ascii=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def check_same_request(stored: str, current: str) -> None:
    """Raise ValidationError (code ``idempotency_key_mismatch``) when the request that first used a key
    (its *stored* fingerprint) differs from the *current* one. Rows stored before fingerprints (``""``)
    match any request."""
    if stored and stored != current:
        raise ValidationError(MISMATCH, code="idempotency_key_mismatch")


def create_once(
    create: Callable[[], T], find_earlier: Callable[[], T | None], *, check_first: bool = True
) -> T:
    """Return what an earlier request with the same key created (``find_earlier()``, None when there is
    none or no key), else ``create()``.

    *create* owns its transaction. When it fails on the (sender, key) unique constraint because an
    identical request inserted first, the row that request created is returned instead; an IntegrityError
    with nothing earlier to find (another constraint) propagates. Callers that can order identical
    requests with a row lock check again under it; the constraint decides the rest. Such a caller may
    skip the check before *create* (*check_first* False: one query fewer on every first request, a
    repeat then waits for the lock to be answered).
    """
    earlier = find_earlier() if check_first else None
    if earlier is not None:
        return earlier
    try:
        return create()
    except IntegrityError:
        earlier = find_earlier()
        if earlier is None:
            raise
        return earlier
