"""Reads of ads with their visibility rules."""

from django.db.models import F, QuerySet, Value
from django.http import Http404

from accounts.models import User
from ads import search
from ads.models import Ad, Favourite


def ad_get_for_viewer(*, public_id: str, user: User) -> Ad:
    """Return the ad *public_id* as *user* may see it, with category, owner and photos fetched and
    whether *user* saved it (``is_favourite``).

    Removed ads and ads of suspended owners are visible only to their owner and to moderators; everyone
    else gets Http404.
    """
    ad = Ad.objects.with_card_data().with_favourite_for(user).filter(public_id=public_id).first()
    if ad is None:
        raise Http404("No such ad.")
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


def ad_search(*, filters: search.AdFilters, viewer: User, cursor: str = "", size: int) -> search.AdPage:
    """Return the page of publicly listed ads matching *filters* after *cursor* ("" for the first), *size*
    a page, ready for cards with *viewer*'s hearts (``is_favourite``). Three queries whatever the number
    of ads: the ads (with category, owner and the heart), their photos, and none for a count."""
    ads = Ad.objects.browsable().with_card_data().with_favourite_for(viewer)
    return search.page_after(search.apply_filters(ads, filters), filters, cursor=cursor, size=size)


def ad_list_on_sale_by(*, owner: User, viewer: User | None = None) -> QuerySet[Ad]:
    """Return *owner*'s ads on sale or reserved, newest first, ready for cards (their public profile),
    with *viewer*'s hearts when given (else the cards' heart costs one query for the page)."""
    on_offer = (Ad.Status.ACTIVE, Ad.Status.RESERVED)
    ads = Ad.objects.filter(owner=owner, status__in=on_offer).with_card_data()
    return ads.with_favourite_for(viewer) if viewer is not None else ads


def ad_list_owned(*, user: User) -> QuerySet[Ad]:
    """Return *user*'s own ads in every status, newest first, ready for cards, each with how many people
    saved it (``favourite_count``)."""
    return Ad.objects.filter(owner=user).with_card_data().with_favourite_count()


def ad_list_more_from_seller(*, ad: Ad, viewer: User, limit: int = 4) -> list[Ad]:
    """Return up to *limit* other ads of *ad*'s seller on sale or reserved, newest first, ready for cards
    with *viewer*'s hearts (2 queries: the ads, their photos)."""
    on_offer = (Ad.Status.ACTIVE, Ad.Status.RESERVED)
    ads = Ad.objects.browsable().filter(owner_id=ad.owner_id, status__in=on_offer).exclude(pk=ad.pk)
    return list(ads.with_card_data().with_favourite_for(viewer)[:limit])


def ad_list_similar(*, ad: Ad, viewer: User, limit: int = 4) -> list[Ad]:
    """Return up to *limit* ads on sale like *ad*: same category and, when *ad* says one, same area; other
    sellers only (theirs are "more from this seller"), newest first, ready for cards with *viewer*'s
    hearts (2 queries; the category/status/created index serves them)."""
    ads = (
        Ad.objects.active()
        .filter(owner__is_active=True, category_id=ad.category_id)
        .exclude(owner_id=ad.owner_id)
    )
    if ad.area:
        ads = ads.filter(area=ad.area)
    return list(ads.with_card_data().with_favourite_for(viewer)[:limit])


def favourite_list(*, user: User, cursor: str = "", size: int) -> search.AdPage:
    """Return the page of ads *user* saved, most recently saved first, after *cursor* (the last row's
    ``saved_id``; "" for the first page), ready for cards. Ads that were removed or whose seller is
    suspended are left out (the favourite is kept: it comes back if they do)."""
    ads = (
        Ad.objects.browsable()
        .filter(favourites__user=user)
        .annotate(saved_id=F("favourites__id"), is_favourite=Value(True))
        .with_card_data()
        .order_by("-saved_id")
    )
    if cursor.isdigit():
        ads = ads.filter(saved_id__lt=int(cursor))
    rows = list(ads[: size + 1])
    next_cursor = str(rows[size - 1].saved_id) if len(rows) > size else None
    return search.AdPage(ads=rows[:size], next_cursor=next_cursor)


def favourite_count(*, ad: Ad) -> int:
    """Return how many users saved *ad* (its owner may see the number, never the names)."""
    return Favourite.objects.filter(ad=ad).count()


def favourite_ad_ids(*, user: User) -> set[int]:
    """Return the ids of the ads *user* saved (empty for anonymous visitors): one query, for pages whose
    cards were not fetched with ``with_favourite_for``."""
    if not user.is_authenticated:
        return set()
    return set(Favourite.objects.filter(user=user).values_list("ad_id", flat=True))


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
