"""Writes to accounts: sign-up, profile, last seen, moderator role."""

from datetime import datetime

from django.contrib.auth.models import Group
from django.db import transaction

from accounts.models import User
from marketplace.images import process_uploaded_image

MODERATORS_GROUP = "Moderators"
AVATAR_MAX_BYTES = 5 * 1024 * 1024
AVATAR_MAX_PIXELS = 40_000_000


@transaction.atomic
def user_create(*, email: str, password: str, display_name: str) -> User:
    """Create and return an active user who logs in with *email*.

    Raises ValidationError when the fields are invalid (duplicate email included).
    """
    user = User(email=email, display_name=display_name)
    user.set_password(password)
    user.full_clean()
    user.save()
    return user


def user_touch_last_seen(*, user_id: int, now: datetime) -> None:
    """Record that user *user_id* was active at *now* (aware datetime); one UPDATE, no signals."""
    User.objects.filter(pk=user_id).update(last_seen_at=now)


@transaction.atomic
def user_update_profile(
    *,
    user: User,
    display_name: str,
    avatar=None,
    share_read_receipts: bool | None = None,
    share_last_seen: bool | None = None,
) -> User:
    """Change *user*'s display name, privacy settings (when given) and, with *avatar* (an uploaded file),
    their avatar.

    The avatar is verified and re-encoded by Pillow (EXIF stripped) and stored as a 256 px JPEG.
    Raises ValidationError for an invalid name or image.
    """
    user.display_name = display_name
    fields = ["display_name"]
    if share_read_receipts is not None:
        user.share_read_receipts = share_read_receipts
        fields.append("share_read_receipts")
    if share_last_seen is not None:
        user.share_last_seen = share_last_seen
        fields.append("share_last_seen")
    if avatar is not None:
        processed = process_uploaded_image(
            avatar, max_bytes=AVATAR_MAX_BYTES, max_pixels=AVATAR_MAX_PIXELS, max_side=256, thumbnail_side=64
        )
        user.avatar.save(f"avatar-{user.pk}.jpg", processed.image, save=False)
        fields.append("avatar")
    user.full_clean(exclude=["password"])
    user.save(update_fields=fields)
    return user


@transaction.atomic
def user_make_moderator(*, user: User) -> User:
    """Give *user* staff access and membership of the "Moderators" group (created by a migration).

    Raises Group.DoesNotExist if the migrations have not been applied.
    """
    group = Group.objects.get(name=MODERATORS_GROUP)
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.groups.add(group)
    return user
