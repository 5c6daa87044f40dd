"""Delivery: how a committed change reaches the participants' screens, one module per channel.

- ``tokens``: poll tokens in the "poll" cache, one per conversation view and per user's list, replaced after
  every commit that changes what a participant would see. The one rule every reader follows: read the token
  *before* the data it describes (``tokens.read_before``), so a client holding a token has seen every change
  committed before it.
- ``gate``: the nothing-new gate, which answers a poll 204 (the API 304) before sessions load.
- ``fragments``: rendered HTML cached under those tokens.
- ``hints``: small events through Pushpin that make an open page run its poll now (``stream``: the
  per-user event stream view Pushpin holds). The transport is ``marketplace.pushpin``.
- ``web_push``: browser notifications for users with no open page (transport: ``marketplace.web_push``).
- ``email``: the unread-message emails.

Services call one entry point, ``announce``, inside their transaction: once it commits, the tokens are
replaced and the hints sent. Web Push and email are not per commit: ``manage.py notify_unread`` sends them
in passes over what is still unread.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.transaction import on_commit

from chat.delivery import hints, tokens


def announce(
    *,
    conversation_views: Iterable[tuple[str, int]] = (),
    user_ids: Iterable[int] = (),
    conversations: Iterable[tuple[str, int, int]] = (),
    only_user_id: int | None = None,
    close_streams_of: int | None = None,
) -> None:
    """Tell, once the current transaction commits, who has something new: replace the poll tokens of
    these conversation views (``(public_id, user_id)`` pairs) and of these users' conversation lists, then
    hint those users' open pages (a ``conversation-<public id>`` or ``list`` event makes the page run that
    poll now instead of at its next tick).

    *conversations* are ``(public_id, buyer_id, seller_id)`` rows (e.g. a ``values_list`` of those three
    fields): their views and their participants' lists change too; *only_user_id* limits those rows to that
    participant's views and list. *close_streams_of* (a user id) ends that user's open event streams after
    the hints (a suspension: the stream view refuses them when the browser reconnects). Never raises;
    outside a transaction it runs at once.
    """
    views, users = list(conversation_views), list(user_ids)
    row_views, row_users = _participants(conversations, only_user_id=only_user_id)
    views += row_views
    users += [user_id for user_id in row_users if user_id not in users]
    if not views and not users and close_streams_of is None:
        return

    def deliver() -> None:
        if views or users:
            tokens.replace(conversation_views=views, user_ids=users)
            # After the tokens: a poll the hint triggers must find them replaced.
            hints.changed(conversation_views=views, user_ids=users)
        if close_streams_of is not None:
            hints.close_streams(close_streams_of)

    on_commit(deliver)


def _participants(
    conversations: Iterable[tuple[str, int, int]], *, only_user_id: int | None
) -> tuple[list[tuple[str, int]], set[int]]:
    """Return the views and list owners that *conversations* rows (``announce``) reach."""
    views, user_ids = [], set()
    for public_id, buyer_id, seller_id in conversations:
        for user_id in (buyer_id, seller_id):
            if only_user_id is None or user_id == only_user_id:
                views.append((public_id, user_id))
                user_ids.add(user_id)
    if only_user_id is not None:
        user_ids.add(only_user_id)
    return views, user_ids
