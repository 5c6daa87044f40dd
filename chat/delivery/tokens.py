"""Poll tokens that let a poll answer "nothing new" from the cache, without the database or the session.

Every conversation and every user's conversation list has a random token in the cache. Services replace the
token after each commit that changes what a participant would see (``chat.delivery.announce``); a page or a
poll that renders state reads the token *before* reading the database (``read_before``) and hands it to the
client as ``token``. A poll whose ``token`` still equals the cached token is answered 204 at once. That answer
reveals nothing: matching requires already holding the current token, which only a page rendered for a
participant gives out. Any doubt (missing token, cache error) falls through to the full, authenticated
path, which costs what it did before.

Tokens live in the "poll" cache, which raises on connection errors (the default cache swallows them). A
replacement that fails is remembered in this process and retried (as a delete) before its next use of
the cache, so a Redis that comes back after a network split does not keep serving a token that missed
a change. A process that exits before the cache returns loses that memory; the token then stays stale
until it expires (TOKEN_TTL_S) or the next change replaces it.

Ordering argument: a token is replaced only after the change committed, and readers take the token before the
data, so a client holding token T has seen every change committed before T was written; any later change
writes a different token.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import secrets
from collections.abc import Callable, Iterator
from typing import TypeVar

from django.conf import settings
from django.core import signing
from django.core.cache import caches

logger = logging.getLogger(__name__)
T = TypeVar("T")

# Tokens expire so the cache does not keep one per conversation forever; an expired token only costs the
# client one full poll.
TOKEN_TTL_S = 24 * 3600
USER_KEY_SALT = "chat.poll-user"  # unchanged by the move: pages already out keep working


# Keys whose replacement failed while the cache was unreachable; deleted as soon as it answers again.
_stale_keys: set[str] = set()
# Tokens fetched together by ``read_ahead`` for the request under way, each handed out once by ``read``.
_read_ahead: contextvars.ContextVar[dict | None] = contextvars.ContextVar(
    "poll_token_read_ahead", default=None
)


def _cache():
    """Return the token cache, after deleting the keys a failed replacement left stale (raises the cache's
    connection error while it is still unreachable)."""
    cache = caches["poll" if "poll" in settings.CACHES else "default"]
    if _stale_keys:
        pending = list(_stale_keys)
        cache.delete_many(pending)
        _stale_keys.difference_update(pending)
        logger.warning("poll token cache is back: %d stale tokens deleted", len(pending))
    return cache


def conversation_key(public_id: str, user_id: int) -> str:
    """Key of one participant's view of a conversation: a reader's own read receipt does not change it."""
    return f"chat:poll:conversation:{public_id}:{user_id}"


def list_key(user_id: int) -> str:
    return f"chat:poll:list:{user_id}"


UNSTORED_PREFIX = "nocache-"


def read(key: str, *, create: bool = True) -> str:
    """Return the current token for *key*, creating one if the cache has none (unless *create* is False).

    With no token to give (none stored and *create* False, or the cache unreachable) it returns an
    "unstored" token that matches nothing, so the client's next poll takes the full path. Callers that then
    read the database use ``read_before``.
    """
    ahead = _read_ahead.get()
    try:
        cache = _cache()
        token = ahead.pop(key, None) if ahead and key in ahead else cache.get(key)
        if token is None and create:
            cache.add(key, secrets.token_urlsafe(9), timeout=TOKEN_TTL_S)
            token = cache.get(key)
    except Exception:  # noqa: BLE001 - a broken cache must not break the page; polls then go the full path
        logger.warning("poll token cache unavailable", exc_info=True)
        token = None
    return token or f"{UNSTORED_PREFIX}{secrets.token_urlsafe(6)}"


@contextlib.contextmanager
def read_ahead(keys: list[str], *, fetched: dict | None = None) -> Iterator[None]:
    """Fetch the tokens of *keys* in one round trip for the ``read`` calls inside the block (a page that
    shows a conversation and the list reads both tokens: one round trip instead of two), or take them
    from *fetched* (``{key: token or None}``, read from this cache by the caller: the poll gate).

    Safe: each token is still read before the data it covers, only earlier; a token the request's own
    change replaces (``replace``, after its commit) is dropped from the read-ahead, and ``read`` hands
    each one out once, so a read after that change asks the cache again.
    A cache that cannot answer fetches nothing here and ``read`` behaves as without the block."""
    if fetched is not None:
        fetched = {key: fetched.get(key) for key in keys}
    else:
        try:
            fetched = dict.fromkeys(keys) | _cache().get_many(keys)  # None: known to be missing
        except Exception:  # noqa: BLE001
            logger.warning("poll token cache unavailable", exc_info=True)
            fetched = {}
    reset = _read_ahead.set(fetched)
    try:
        yield
    finally:
        _read_ahead.reset(reset)


def read_before(key: str, load: Callable[[str], T], *, create_after_load: bool = False) -> tuple[str, T]:
    """Return ``(token, load(token))`` for *key*, the token read first: the only order that is safe.
    *load* gets the token because cached fragments are keyed by it.

    A change committed between the two reads replaces the token after its commit, so the client's next
    poll with this token misses the cache and fetches it; read the other way round, that change could be
    hidden behind a token that already includes it. Exceptions from *load* (Http404, …) propagate.

    *create_after_load* is for keys named by the request (a conversation id): a missing token is created
    only once *load* has passed its access check, so a stranger cannot make the cache store keys for
    conversations they are not in. This response then carries an unstored token (the client's next poll
    goes the full path once and picks up the stored one, read before the data as always).
    """
    token = read(key, create=not create_after_load)
    value = load(token)
    if create_after_load and token.startswith(UNSTORED_PREFIX):
        try:
            _cache().add(key, secrets.token_urlsafe(9), timeout=TOKEN_TTL_S)
        except Exception:  # noqa: BLE001
            logger.warning("poll token cache unavailable", exc_info=True)
    return token, value


def peek_many(keys: list[str]) -> dict:
    """Return the cached values for *keys* in one round trip ({} when the cache is unreachable)."""
    try:
        return _cache().get_many(keys)
    except Exception:  # noqa: BLE001
        logger.warning("poll token cache unavailable", exc_info=True)
        return {}


def replace(*, conversation_views: list[tuple[str, int]], user_ids: list[int]) -> None:
    """Replace now the tokens of these conversation views (``(public_id, user_id)`` pairs) and of these
    users' conversation lists. Run after the commit that changed them (``chat.delivery.announce`` does, from
    ``on_commit``); never raises: a replacement the cache refused is retried as a delete once it answers."""
    keys = [conversation_key(public_id, user_id) for public_id, user_id in conversation_views]
    keys += [list_key(user_id) for user_id in user_ids]
    ahead = _read_ahead.get()
    if ahead:
        # This request changed what these tokens cover (opening a conversation reads it): a token it
        # read ahead no longer vouches for the data it will now read.
        for key in keys:
            ahead.pop(key, None)
    try:
        _cache().set_many({key: secrets.token_urlsafe(9) for key in keys}, timeout=TOKEN_TTL_S)
    except Exception:  # noqa: BLE001
        # Not replaced: no client may keep matching these tokens once the cache answers again.
        logger.error("could not replace poll tokens; deleting them when the cache is back", exc_info=True)
        _stale_keys.update(keys)


def user_poll_key(user_id: int) -> str:
    """Return the signed user id that pages embed in their polls (for the last-seen refresh on a 204)."""
    return signing.dumps(user_id, salt=USER_KEY_SALT, compress=False)


def user_from_poll_key(value: str | None) -> int | None:
    """Return the user id signed by ``user_poll_key``, or None for a missing or forged value."""
    if not value:
        return None
    try:
        return int(signing.loads(value, salt=USER_KEY_SALT))
    except (signing.BadSignature, TypeError, ValueError):
        return None
