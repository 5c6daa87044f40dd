"""Hints: small events on a user's Pushpin stream that make their open pages run a poll now.

A hint carries no message text and a lost one costs nothing: the 30-second poll still runs. Events are
``conversation-<public id>`` and ``list`` after a commit (``chat.delivery.announce``) and
``typing-<public id>`` from the typing view. The transport (GRIP publishing, stream holding, the Grip-Sig
check) is ``marketplace.pushpin``, which the lower apps use too; ``MARKETPLACE_PUSH_URL`` empty turns
hints off.
"""

from __future__ import annotations

from marketplace import pushpin


def enabled() -> bool:
    """Return True when hints are on (a Pushpin is configured, read at call time)."""
    return pushpin.enabled()


def changed(*, conversation_views: list[tuple[str, int]], user_ids: list[int]) -> None:
    """Publish ``conversation-<public id>`` to each view's user (``(public_id, user_id)`` pairs) and ``list``
    to each of *user_ids*, one chunk per user. Call after the commit, after the tokens moved."""
    events: dict[int, list[tuple[str, str]]] = {}
    for public_id, user_id in conversation_views:
        events.setdefault(user_id, []).append((f"conversation-{public_id}", "{}"))
    for user_id in user_ids:
        events.setdefault(user_id, []).append(("list", "{}"))
    for user_id, user_events in events.items():
        pushpin.publish(pushpin.user_channel(user_id), user_events)


def typing(*, public_id: str, to_user_id: int) -> None:
    """Tell *to_user_id*'s open pages that the other participant of conversation *public_id* is typing."""
    # No words: each open page says "typing…" in the language it was rendered in (typing.js), which the
    # sender's request cannot know (the reader's Accept-Language). An event needs some data to fire.
    pushpin.publish(pushpin.user_channel(to_user_id), [(f"typing-{public_id}", "typing")])


def close_streams(user_id: int) -> None:
    """End every open stream of *user_id* (suspended: their browser reconnects and is refused)."""
    pushpin.close(pushpin.user_channel(user_id))
