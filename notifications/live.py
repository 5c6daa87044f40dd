"""How a change in the centre reaches the user's screens: the bell's cached unread count is dropped and a
``notifications`` event goes to the user's stream (the Pushpin channel the chat's hints use,
``marketplace.pushpin.user_channel``), which makes an open page's bell refresh at once.

A lost hint costs nothing: the bell also refreshes when the tab comes back and every
BELL_POLL_INTERVAL_S seconds.
"""

from __future__ import annotations

from django.core.cache import cache
from django.db.transaction import on_commit

from marketplace import pushpin

# The bell's own poll, for pages with no stream (push off): slower than the chat badge's, as nothing here
# is a conversation waiting for an answer.
BELL_POLL_INTERVAL_S = 60
# The cached unread count lives this long at most, which bounds how stale a count computed during a
# concurrent write can be (the write drops the key after it commits; a read that started before the
# commit can put the old count back).
COUNT_TTL_S = 60
EVENT = "notifications"


def count_key(user_id: int) -> str:
    """The cache key of *user_id*'s unread count (the "default" cache, which may be unavailable)."""
    return f"notifications:unread:{user_id}"


def changed(*, user_ids: list[int]) -> None:
    """Once the current transaction commits (at once outside one), drop these users' cached counts and
    hint their open pages. Never raises."""
    ids = sorted(set(user_ids))
    if not ids:
        return

    def deliver() -> None:
        cache.delete_many([count_key(user_id) for user_id in ids])
        for user_id in ids:
            pushpin.publish(pushpin.user_channel(user_id), [(EVENT, "{}")])

    on_commit(deliver)
