"""Reads of ads with their visibility rules."""

from django.http import Http404

from accounts.models import User
from ads.models import Ad


def ad_get_for_viewer(*, public_id: str, user: User) -> Ad:
    """Return the ad *public_id* as *user* may see it, with category, owner and photos fetched.

    Removed ads and ads of suspended owners are visible only to their owner and to moderators; everyone
    else gets Http404.
    """
    ad = Ad.objects.with_card_data().filter(public_id=public_id).first()
    if ad is None:
        raise Http404("No such ad.")
    if (ad.status == Ad.Status.REMOVED or not ad.owner.is_active) and not (
        user.is_authenticated and (ad.owner_id == user.pk or user.has_perm("ads.view_ad"))
    ):
        raise Http404("This ad was removed.")
    return ad
