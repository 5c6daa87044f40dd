"""Reads about users that carry a permission rule."""

from __future__ import annotations

from accounts.models import PushSubscription

# The permission that makes a staff user a moderator; the "Moderators" group holds it (data migration).
MODERATOR_PERMISSION = "moderation.change_report"


def is_moderator(user) -> bool:
    """Return True for an active staff user with the moderator permission (anonymous users: False)."""
    return bool(user.is_active and user.is_staff and user.has_perm(MODERATOR_PERMISSION))


def push_subscriptions_for(*, user) -> list:
    """Return *user*'s Web Push devices, newest first (the profile page's list)."""
    return list(PushSubscription.objects.filter(user=user))
