"""Page assembly for ads: selector results turned into template context."""

from __future__ import annotations

from django.http import QueryDict

from accounts.models import User
from ads import selectors
from ads.models import Ad
from ads.search import AdPage

AD_DETAIL_TEMPLATE = "ads/detail.html"
FAVOURITE_TEMPLATE = "ads/_favourite.html"


def ad_list_context(*, form, page: AdPage, query: QueryDict) -> dict:
    """Return the context of a page of ad cards: *form* (the filters, or None), *page*, ``next_query``
    (the query string of the next page: *query* with the next cursor; None at the end) and
    ``first_query`` (*query* without the cursor; None on the first page)."""
    params = query.copy()
    params.pop("after", None)
    first_query = params.urlencode() if "after" in query else None
    next_query = None
    if page.next_cursor:
        params["after"] = page.next_cursor
        next_query = params.urlencode()
    return {"form": form, "page": page, "next_query": next_query, "first_query": first_query}


def favourite_context(*, ad: Ad, user: User, saved: bool | None, next_url: str) -> dict:
    """Return the context of *ad*'s heart for *user*: ``mode`` is "login" (anonymous: a link to log in),
    "count" (the owner: how many saved it) or "toggle" (a form; ``saved`` its pressed state). *next_url*
    is where the form returns without JavaScript."""
    if not user.is_authenticated:
        return {"ad": ad, "mode": "login", "next_url": next_url}
    if ad.owner_id == user.pk:
        return {"ad": ad, "mode": "count", "count": _favourite_count(ad)}
    return {"ad": ad, "mode": "toggle", "saved": bool(saved), "next_url": next_url}


def _favourite_count(ad: Ad) -> int:
    count = getattr(ad, "favourite_count", None)
    return selectors.favourite_count(ad=ad) if count is None else count


def ad_detail_context(*, ad: Ad, viewer: User | None = None) -> dict:
    """Return the ad page's context for *ad* (fetched with ``with_card_data``: photos cost no query);
    with *viewer*, also "More from this seller" and similar ads (``more_from_seller``, ``similar``:
    4 queries), which a page re-rendered with an error leaves out.

    Apps above ads add their own panels to the page through template tags (chat: ``ad_contact``) and,
    when they re-render it with an error, through extra context such as ``start_form``.
    """
    context = {"ad": ad, "photos": list(ad.photos.all())}
    if viewer is not None and ad.status != Ad.Status.REMOVED:
        context["more_from_seller"] = selectors.ad_list_more_from_seller(ad=ad, viewer=viewer)
        context["similar"] = selectors.ad_list_similar(ad=ad, viewer=viewer)
    return context
