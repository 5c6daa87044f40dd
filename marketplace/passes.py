"""One rule for the notifier's per-user passes: one user's failure never stops the others."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable


def each_user(
    user_ids: Iterable[int], send: Callable[[int], int], *, what: str, logger: logging.Logger
) -> int:
    """Call ``send(user_id)`` for each of *user_ids* and return the sum of what it returns (items sent).
    An exception for one user is logged as "*what* to user <id> failed" and the pass goes on; the caller's
    next pass retries that user (its rows are still due)."""
    sent = 0
    for user_id in user_ids:
        try:
            sent += send(user_id)
        except Exception:  # noqa: BLE001 - one bad address or device must not stop everyone else's
            logger.exception("%s to user %s failed; retrying next pass", what, user_id)
    return sent
