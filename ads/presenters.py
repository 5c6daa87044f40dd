"""Page assembly for ads: selector results turned into template context."""

from __future__ import annotations

from ads.models import Ad

AD_DETAIL_TEMPLATE = "ads/detail.html"


def ad_detail_context(*, ad: Ad) -> dict:
    """Return the ad page's context for *ad* (fetched with ``with_card_data``: photos cost no query).

    Apps above ads add their own panels to the page through template tags (chat: ``ad_contact``) and,
    when they re-render it with an error, through extra context such as ``start_form``.
    """
    return {"ad": ad, "photos": list(ad.photos.all())}
