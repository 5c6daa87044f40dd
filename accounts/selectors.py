"""Reads about users that carry a permission rule."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import ApiToken, PushSubscription, User, UserBlock

# The permission that makes a staff user a moderator; the "Moderators" group holds it (data migration).
MODERATOR_PERMISSION = "moderation.change_report"


def is_moderator(user) -> bool:
    """Return True for an active staff user with the moderator permission (anonymous users: False)."""
    return bool(user.is_active and user.is_staff and user.has_perm(MODERATOR_PERMISSION))


def push_subscriptions_for(*, user) -> list:
    """Return *user*'s Web Push devices, newest first (the profile page's list)."""
    return list(PushSubscription.objects.filter(user=user))


def api_tokens_for_user(*, user: User) -> QuerySet:
    """Return *user*'s device tokens (``ApiToken``), newest first."""
    return ApiToken.objects.filter(user=user).order_by("-created")


def blocks_made_by(*, user: User) -> QuerySet[UserBlock]:
    """Return the blocks *user* made, newest first, with the blocked users (one query): the "Blocked
    users" page and ``GET /api/v1/blocks/``."""
    return UserBlock.objects.filter(blocker=user).select_related("blocked").order_by("-created_at")


def user_id_for_public_id(*, public_id: str) -> int | None:
    """Return the id of the user whose public id is *public_id*, or None."""
    return User.objects.filter(public_id=public_id).values_list("pk", flat=True).first()


def user_email_verified(*, user_id: int, email: str) -> bool | None:
    """Return whether user *user_id*'s address *email* is verified; None when there is no such user or
    their address is no longer *email* (a confirmation link mailed before a change)."""
    found = User.objects.filter(pk=user_id, email__iexact=email).values_list("email_verified_at", flat=True)
    return None if not found else found[0] is not None
