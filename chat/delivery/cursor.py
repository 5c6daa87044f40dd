"""The page's cursor: where an open conversation page stands, as its polls and htmx answers send it back."""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass

CHANGE_SEQ_OLD_NAME = "changes"


def change_seq_name(params: Container[str]) -> str:
    """The name the change seq comes under in *params* (a query or form's keys): ``change_seq``, or
    ``changes``, its old name (pages and apps from before the rename), when only that one is there."""
    return (
        CHANGE_SEQ_OLD_NAME if CHANGE_SEQ_OLD_NAME in params and "change_seq" not in params else "change_seq"
    )


@dataclass(frozen=True)
class PollCursor:
    """What the page shows, so a delivering answer brings only what is new or changed.

    ``after``: the newest message id shown (0: none). ``earliest``: the oldest message id shown (0: the whole
    history). ``change_seq``: the conversation's change seq the page has seen (None: an earlier page,
    or one from before the number existed: changed messages are not brought). ``read_up_to``: the other
    participant's read pointer as the page shows it (None: the page does not say; no receipts are
    brought). ``delivered_up_to``: the other participant's delivery pointer as the page shows it (None: the
    page does not say; no "delivered" receipts are brought). ``offers_shown``: 1/0 whether the page shows
    the offer form (None: unknown).
    Read from a query or a form by ``chat.forms.MessageCursorForm.read_cursor``.
    """

    after: int = 0
    earliest: int = 0
    change_seq: int | None = None
    read_up_to: int | None = None
    delivered_up_to: int | None = None
    offers_shown: int | None = None
