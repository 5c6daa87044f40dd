"""Reads of ads with their visibility rules."""

from django.db.models import QuerySet
from django.http import Http404

from accounts.models import User
from ads.models import Ad


def ad_get_for_viewer(*, public_id: str, user: User) -> Ad:
    """Return the ad *public_id* as *user* may see it, with category, owner and photos fetched.

    Removed ads and ads of suspended owners are visible only to their owner and to moderators; everyone
    else gets Http404.
    """
    ad = ad_get_any(public_id=public_id)
    if (ad.status == Ad.Status.REMOVED or not ad.owner.is_active) and not (
        user.is_authenticated and (ad.owner_id == user.pk or user.has_perm("ads.view_ad"))
    ):
        raise Http404("This ad was removed.")
    return ad


def ad_list_browsable(*, text: str = "", category=None) -> QuerySet[Ad]:
    """Return the publicly listed ads, newest first, ready for cards: words of *text* in the title or
    description (every word must match), and only *category* (a Category) when given."""
    ads = Ad.objects.browsable().with_card_data()
    if text:
        ads = ads.search(text)
    if category is not None:
        ads = ads.filter(category=category)
    return ads


def ad_list_on_sale_by(*, owner: User) -> QuerySet[Ad]:
    """Return *owner*'s ads on sale or reserved, newest first, ready for cards (their public profile)."""
    on_offer = (Ad.Status.ACTIVE, Ad.Status.RESERVED)
    return Ad.objects.filter(owner=owner, status__in=on_offer).with_card_data()


def ad_list_owned(*, user: User) -> QuerySet[Ad]:
    """Return *user*'s own ads in every status, newest first, ready for cards."""
    return Ad.objects.filter(owner=user).with_card_data()


def ad_get_owned(*, public_id: str, user: User) -> Ad:
    """Return the ad *public_id* if *user* owns it; Http404 otherwise (other people's edit URLs are not
    theirs to know about, so 404 rather than 403)."""
    ad = Ad.objects.filter(public_id=public_id, owner_id=user.pk).first()
    if ad is None:
        raise Http404("No such ad.")
    return ad


def ad_get_any(*, public_id: str) -> Ad:
    """Return the ad *public_id* in any status, ready for its page (category, owner, photos); Http404
    when there is none. For actions that explain a refusal themselves (writing about a removed ad)."""
    ad = Ad.objects.with_card_data().filter(public_id=public_id).first()
    if ad is None:
        raise Http404("No such ad.")
    return ad
