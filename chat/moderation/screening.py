"""Moderation's first-message screen (``chat.screening``), registered in ``ModerationConfig.ready``."""

from __future__ import annotations

from accounts.models import User
from ads.models import Ad
from chat.moderation import services


def hold_repeated_first_message(*, user: User, ad: Ad, body: str, idempotency_key: str | None = None) -> bool:
    """Hold *body* for a moderator when *user* already sent the same first message to several sellers.

    Returns True when the message was held (``HeldMessage``), so chat does not deliver it; a repeat of a
    held submission (same *idempotency_key*) is held once.
    """
    if services.held_message_exists(sender=user, idempotency_key=idempotency_key):
        return True
    if not services.should_hold_first_message(sender=user, body=body):
        return False
    services.held_message_create(sender=user, ad=ad, body=body, idempotency_key=idempotency_key)
    return True
