"""Writes to ads: create, edit, photos, reserve, mark sold, back on sale, remove (status changes, never a
row deletion)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from ads import alerts, signals
from ads.models import Ad, AdPhoto, Category, Favourite
from marketplace.images import ProcessedImage

ERROR_MESSAGES = {
    "not_owner": _("Only the ad's owner can change it."),
    "own_ad": _("You can't reserve or sell your ad to yourself."),
    "reserved_for_other": _("This ad is reserved for another buyer. Release that reservation first."),
    "sold": _("This ad is already sold. Put it back on sale first."),
    "removed": _("This ad was removed and can't be changed."),
    "too_many_photos": _("An ad can have at most %(limit)s photos."),
    "own_favourite": _("This is your ad: it can't be one of your favourites."),
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
    condition: str = "",
    area: str = "",
) -> Ad:
    """Create an active ad owned by *owner* and attach *photos* (already verified by Pillow), in order.

    *price* is a Decimal in the site currency, or None for "price on request"; *condition* and *area*
    are ``Ad.Condition`` / ``Ad.Area`` values or "" (not said). Raises ValidationError when a field is
    invalid.
    """
    ad = Ad(
        owner=owner,
        category=category,
        title=title.strip(),
        description=description.strip(),
        price=price,
        city=city.strip(),
        condition=condition,
        area=area,
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
    condition: str | None = None,
    area: str | None = None,
) -> Ad:
    """Change the editable fields of *ad* and append *new_photos*, all or nothing.

    Existing conversations keep their snapshot of the old text; a new title or price is announced with
    ``ads.signals.ad_details_changed`` (chat shows it beside the snapshot), and a lower price is queued
    for the people who saved the ad (``ads.alerts``). Raises PermissionDenied if
    *user* is not the owner, ValidationError if the ad was removed, a field is invalid or the photos would
    exceed MARKETPLACE_PHOTOS_PER_AD (then nothing is saved). Locks the ad row first, as status changes
    do. *condition* and *area* left None stay as they are (callers that do not offer them).
    """
    _require_owner(ad=ad, user=user)
    stored = Ad.objects.select_for_update().get(pk=ad.pk)
    if stored.status == Ad.Status.REMOVED:
        raise ValidationError(ERROR_MESSAGES["removed"], code="removed")
    ad.category = category
    ad.title = title.strip()
    ad.description = description.strip()
    ad.price = price
    ad.city = city.strip()
    ad.condition = ad.condition if condition is None else condition
    ad.area = ad.area if area is None else area
    ad.full_clean()
    ad.save(
        update_fields=["category", "title", "description", "price", "city", "condition", "area", "updated_at"]
    )
    if (ad.title, ad.price) != (stored.title, stored.price):
        signals.ad_details_changed.send(
            sender=Ad, ad=ad, previous_title=stored.title, previous_price=stored.price
        )
    if stored.price is not None and ad.price is not None and ad.price < stored.price:
        # The people who saved it are told by the notifier (ads.alerts), not in this request.
        params = {"price": str(ad.price), "previous": str(stored.price)}
        alerts.favourite_alert_queue(ad=ad, kind="favourite_price_drop", params=params)
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


@dataclass(frozen=True)
class AdStatusChange:
    """What a status change did: the ad as saved, and whether its status or buyer changed (False for a
    repeat)."""

    ad: Ad
    changed: bool


def _locked_for_owner(*, ad: Ad, user: User) -> Ad:
    """Lock *ad*'s row and return it fresh. Every status change takes this lock first (before any
    conversation row an app above locks), so two sellers' clicks or two tabs leave one outcome."""
    _require_owner(ad=ad, user=user)
    locked = Ad.objects.select_for_update().get(pk=ad.pk)
    if locked.status == Ad.Status.REMOVED:
        raise ValidationError(ERROR_MESSAGES["removed"], code="removed")
    return locked


def _ad_set_status(*, ad: Ad, status: str, buyer_id: int | None, announce: bool) -> AdStatusChange:
    previous_status, previous_buyer_id = ad.status, ad.buyer_id
    if (previous_status, previous_buyer_id) == (status, buyer_id):
        return AdStatusChange(ad=ad, changed=False)
    ad.status = status
    ad.buyer_id = buyer_id
    ad.save(update_fields=["status", "buyer", "updated_at"])
    kind = alerts.status_alert_kind(previous=previous_status, status=status)
    if kind:
        # Whoever saved it hears of it; the deal's buyer (the new one, or the one whose deal just ended)
        # is told in their conversation instead.
        deal_buyer_id = buyer_id or previous_buyer_id
        alerts.favourite_alert_queue(ad=ad, kind=kind, params={}, exclude_user_id=deal_buyer_id)
    if announce:
        # Same transaction: a conversation's snapshot and notices can never disagree with the ad. A
        # notification: no receiver's answer is read.
        signals.ad_status_changed.send(
            sender=Ad, ad=ad, previous_status=previous_status, previous_buyer_id=previous_buyer_id
        )
    return AdStatusChange(ad=ad, changed=True)


@transaction.atomic
def ad_reserve(*, ad: Ad, user: User, buyer: User, announce: bool = True) -> AdStatusChange:
    """Reserve *ad* for *buyer* (the seller agreed a deal with them); the ad stays listed, marked
    "Reserved", and people can still write about it. A repeat for the same buyer changes nothing.

    Raises PermissionDenied if *user* is not the owner, ValidationError: ``removed``, ``sold`` (mark it
    back on sale first), ``reserved_for_other`` (release that reservation first), ``own_ad`` (*buyer* is
    the owner). Locks the ad row. A change is announced with ``ads.signals.ad_status_changed`` (the
    conversations about the ad follow it) unless *announce* is False: an app above that tells them
    itself (chat's deal service) passes that.
    """
    locked = _locked_for_owner(ad=ad, user=user)
    if buyer.pk == locked.owner_id:
        raise ValidationError(ERROR_MESSAGES["own_ad"], code="own_ad")
    if locked.status == Ad.Status.SOLD:
        raise ValidationError(ERROR_MESSAGES["sold"], code="sold")
    if locked.status == Ad.Status.RESERVED and locked.buyer_id != buyer.pk:
        raise ValidationError(ERROR_MESSAGES["reserved_for_other"], code="reserved_for_other")
    return _ad_set_status(ad=locked, status=Ad.Status.RESERVED, buyer_id=buyer.pk, announce=announce)


@transaction.atomic
def ad_mark_sold(*, ad: Ad, user: User, buyer: User | None = None, announce: bool = True) -> AdStatusChange:
    """Mark *ad* sold, to *buyer* when given, else to the buyer it was reserved for (if any); every
    conversation about it shows "Sold". Participants can still write. A repeat (no *buyer*, or the same
    one) changes nothing; the buyer of an ad sold without naming one may be named once.

    Raises PermissionDenied if *user* is not the owner, ValidationError ``removed``, ``own_ad``, ``sold``
    (already sold to someone else than *buyer*: put it back on sale first), ``reserved_for_other``
    (reserved for someone else than *buyer*: release that reservation first). Locks the ad row, so of two
    sales at once to different buyers one wins and the other is refused. Announces like ``ad_reserve``.
    """
    locked = _locked_for_owner(ad=ad, user=user)
    if buyer is None or buyer.pk == locked.buyer_id:
        buyer_id = locked.buyer_id
    elif buyer.pk == locked.owner_id:
        raise ValidationError(ERROR_MESSAGES["own_ad"], code="own_ad")
    elif locked.status == Ad.Status.SOLD and locked.buyer_id is not None:
        raise ValidationError(ERROR_MESSAGES["sold"], code="sold")
    elif locked.status == Ad.Status.RESERVED:
        raise ValidationError(ERROR_MESSAGES["reserved_for_other"], code="reserved_for_other")
    else:
        buyer_id = buyer.pk
    return _ad_set_status(ad=locked, status=Ad.Status.SOLD, buyer_id=buyer_id, announce=announce)


@transaction.atomic
def ad_reactivate(*, ad: Ad, user: User) -> AdStatusChange:
    """Put a reserved or sold *ad* back on sale (releases a reservation). Raises PermissionDenied /
    ValidationError ``removed`` like ``ad_mark_sold``; locks the ad row."""
    locked = _locked_for_owner(ad=ad, user=user)
    return _ad_set_status(ad=locked, status=Ad.Status.ACTIVE, buyer_id=None, announce=True)


@transaction.atomic
def ad_remove(*, ad: Ad, user: User) -> AdStatusChange:
    """Remove *ad* (status change; the row, its photos and its conversations stay); a repeat changes
    nothing.

    The owner or a moderator (a user with the ``ads.change_ad`` permission) may remove an ad; every
    conversation about it then shows "This ad is no longer available". Raises PermissionDenied otherwise.
    Locks the ad row.
    """
    if ad.owner_id != user.pk and not user.has_perm("ads.change_ad"):
        raise PermissionDenied(ERROR_MESSAGES["not_owner"])
    locked = Ad.objects.select_for_update().get(pk=ad.pk)
    return _ad_set_status(ad=locked, status=Ad.Status.REMOVED, buyer_id=locked.buyer_id, announce=True)


def favourite_set(*, user: User, ad: Ad, saved: bool) -> bool:
    """Save *ad* to *user*'s favourites (*saved* True) or take it out (False); return *saved*.

    Idempotent, and safe when the same click arrives twice at once (the unique constraint decides).
    Raises ValidationError (``own_favourite``) when *user* owns *ad*. Visibility is the caller's:
    pass an ad the user may see (``ads.selectors.ad_get_for_viewer``).
    """
    if not saved:
        Favourite.objects.filter(user=user, ad=ad).delete()
        return False
    if ad.owner_id == user.pk:
        raise ValidationError(ERROR_MESSAGES["own_favourite"], code="own_favourite")
    Favourite.objects.bulk_create([Favourite(user=user, ad=ad)], ignore_conflicts=True)
    return True
