"""Page assembly for ads: selector results turned into template context."""

from __future__ import annotations

from django.utils.translation import ngettext

from ads.models import Ad
from ads.services import AdStatusChange

AD_DETAIL_TEMPLATE = "ads/detail.html"


def ad_detail_context(*, ad: Ad) -> dict:
    """Return the ad page's context for *ad* (fetched with ``with_card_data``: photos cost no query).

    Apps above ads add their own panels to the page through template tags (chat: ``ad_contact``) and,
    when they re-render it with an error, through extra context such as ``start_form``.
    """
    return {"ad": ad, "photos": list(ad.photos.all())}


def status_change_text(change: AdStatusChange) -> str:
    """Return the sentence telling the seller how many buyers' conversations were told of a status change
    ("" when none were). A removal tells every conversation, so none is "other"."""
    told = change.conversations_told
    if not told:
        return ""
    if change.ad.status == Ad.Status.REMOVED:
        return ngettext(
            "%(count)d conversation about it was told.",
            "%(count)d conversations about it were told.",
            told,
        ) % {"count": told}
    return ngettext(
        "%(count)d other conversation about it was told.",
        "%(count)d other conversations about it were told.",
        told,
    ) % {"count": told}
