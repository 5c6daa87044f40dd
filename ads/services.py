"""Writes to ads: create, edit, photos, mark sold, remove (a status change, never a row deletion)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from ads import signals
from ads.models import Ad, AdPhoto, Category
from marketplace.images import ProcessedImage

ERROR_MESSAGES = {
    "not_owner": _("Only the ad's owner can change it."),
    "removed": _("This ad was removed and can't be changed."),
    "too_many_photos": _("An ad can have at most %(limit)s photos."),
}


def _require_owner(*, ad: Ad, user: User) -> None:
    if ad.owner_id != user.pk:
        raise PermissionDenied(ERROR_MESSAGES["not_owner"])


@transaction.atomic
def ad_create(
    *,
    owner: User,
    category: Category,
    title: str,
    description: str = "",
    price: Decimal | None = None,
    city: str = "",
    photos: list[ProcessedImage] | None = None,
) -> Ad:
    """Create an active ad owned by *owner* and attach *photos* (already verified by Pillow), in order.

    *price* is a Decimal in the site currency, or None for "price on request".
    Raises ValidationError when a field is invalid.
    """
    ad = Ad(
        owner=owner,
        category=category,
        title=title.strip(),
        description=description.strip(),
        price=price,
        city=city.strip(),
    )
    ad.full_clean()
    ad.save()
    for photo in photos or []:
        ad_photo_add(ad=ad, user=owner, photo=photo)
    return ad


@transaction.atomic
def ad_update(
    *,
    ad: Ad,
    user: User,
    category: Category,
    title: str,
    description: str,
    price: Decimal | None,
    city: str,
    new_photos: list[ProcessedImage] | None = None,
) -> Ad:
    """Change the editable fields of *ad* and append *new_photos*, all or nothing.

    Existing conversations keep their snapshot of the old text. Raises PermissionDenied if *user* is not
    the owner, ValidationError if the ad was removed, a field is invalid or the photos would exceed
    MARKETPLACE_PHOTOS_PER_AD (then nothing is saved).
    """
    _require_owner(ad=ad, user=user)
    if ad.status == Ad.Status.REMOVED:
        raise ValidationError(ERROR_MESSAGES["removed"], code="removed")
    ad.category = category
    ad.title = title.strip()
    ad.description = description.strip()
    ad.price = price
    ad.city = city.strip()
    ad.full_clean()
    ad.save(update_fields=["category", "title", "description", "price", "city", "updated_at"])
    for photo in new_photos or []:
        ad_photo_add(ad=ad, user=user, photo=photo)
    return ad


@transaction.atomic
def ad_photo_add(*, ad: Ad, user: User, photo: ProcessedImage) -> AdPhoto:
    """Store a verified, re-encoded *photo* (and its thumbnail) as the ad's last photo.

    Raises PermissionDenied if *user* is not the owner, ValidationError (``too_many_photos``) above
    MARKETPLACE_PHOTOS_PER_AD. Locks the ad row so concurrent uploads cannot exceed the limit.
    """
    _require_owner(ad=ad, user=user)
    locked = Ad.objects.select_for_update().get(pk=ad.pk)
    count = locked.photos.count()
    limit = settings.MARKETPLACE_PHOTOS_PER_AD
    if count >= limit:
        raise ValidationError(
            ERROR_MESSAGES["too_many_photos"], code="too_many_photos", params={"limit": limit}
        )
    ad_photo = AdPhoto(ad=ad, position=count)
    ad_photo.image.save(f"photo-{count + 1}.jpg", photo.image, save=False)
    ad_photo.thumbnail.save(f"thumb-{count + 1}.jpg", photo.thumbnail, save=False)
    ad_photo.save()
    return ad_photo


def _ad_set_status(*, ad: Ad, status: str) -> Ad:
    ad.status = status
    ad.save(update_fields=["status", "updated_at"])
    # Same transaction: a conversation's sold/removed flag can never disagree with the ad.
    signals.ad_status_changed.send(sender=Ad, ad=ad)
    return ad


@transaction.atomic
def ad_mark_sold(*, ad: Ad, user: User) -> Ad:
    """Mark *ad* sold; every conversation about it shows "Sold". Participants can still write.

    Raises PermissionDenied if *user* is not the owner, ValidationError if the ad was removed.
    """
    _require_owner(ad=ad, user=user)
    if ad.status == Ad.Status.REMOVED:
        raise ValidationError(ERROR_MESSAGES["removed"], code="removed")
    return _ad_set_status(ad=ad, status=Ad.Status.SOLD)


@transaction.atomic
def ad_reactivate(*, ad: Ad, user: User) -> Ad:
    """Put a sold *ad* back on sale. Raises PermissionDenied / ValidationError like ``ad_mark_sold``."""
    _require_owner(ad=ad, user=user)
    if ad.status == Ad.Status.REMOVED:
        raise ValidationError(ERROR_MESSAGES["removed"], code="removed")
    return _ad_set_status(ad=ad, status=Ad.Status.ACTIVE)


@transaction.atomic
def ad_remove(*, ad: Ad, user: User) -> Ad:
    """Remove *ad* (status change; the row, its photos and its conversations stay).

    The owner or a moderator (a user with the ``ads.change_ad`` permission) may remove an ad; every
    conversation about it then shows "This ad is no longer available". Raises PermissionDenied otherwise.
    """
    if ad.owner_id != user.pk and not user.has_perm("ads.change_ad"):
        raise PermissionDenied(ERROR_MESSAGES["not_owner"])
    return _ad_set_status(ad=ad, status=Ad.Status.REMOVED)
