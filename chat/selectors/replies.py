"""Reads of a user's away message and quick replies."""

from __future__ import annotations

from chat.models import ReplySettings


def away_settings_of(*, user_id: int) -> ReplySettings | None:
    """Return user *user_id*'s settings row when their away message is turned on, else None (one
    indexed query; whether it is still in force is ``ReplySettings.away_now``)."""
    return ReplySettings.objects.filter(user_id=user_id, away_enabled=True).first()


def reply_settings_of(*, user_id: int) -> ReplySettings:
    """Return user *user_id*'s settings, an unsaved default row when they have none (one query)."""
    return ReplySettings.objects.filter(user_id=user_id).first() or ReplySettings(user_id=user_id)


def own_quick_replies(*, user_id: int) -> list[dict] | None:
    """Return user *user_id*'s own quick replies (``[{"id", "text"}]`` in order), or None while they have
    not edited the list (then the defaults apply). One query."""
    return ReplySettings.objects.filter(user_id=user_id).values_list("quick_replies", flat=True).first()
