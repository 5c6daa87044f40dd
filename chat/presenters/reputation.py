"""Reputation on pages: the public profile, the seller line on ad pages, the review prompt in a chat."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from accounts.models import User
from ads import selectors as ad_selectors
from chat import selectors, services
from chat.models import Conversation

PROFILE_TEMPLATE = "chat/profile.html"
PROFILE_REVIEWS_SHOWN = 10
PROFILE_ADS_SHOWN = 12

# Upper bounds (seconds) of the buckets people read a response time in, as marketplaces show it
# (Kleinanzeigen "Antwortet meist innerhalb einer Stunde", Airbnb "responds within a few hours").
RESPONSE_TIME_BUCKETS = (
    (3600, gettext_lazy("Usually replies within an hour")),
    (3 * 3600, gettext_lazy("Usually replies within a few hours")),
    (24 * 3600, gettext_lazy("Usually replies within a day")),
)


def response_time_text(median_s: int | None) -> str:
    """Return "Usually replies within …" for a median first-reply delay of *median_s* seconds ("" for
    None: too few conversations to say)."""
    if median_s is None:
        return ""
    for bound, text in RESPONSE_TIME_BUCKETS:
        if median_s <= bound:
            return str(text)
    return gettext("Usually replies within a few days")


def reputation_context(*, user: User) -> dict:
    """Return what the seller line and the profile show of *user*'s reputation: ``review_summary`` and
    ``response_time`` (text or ""). Two queries."""
    return {
        "subject": user,
        "summary": selectors.review_summary(user_id=user.pk),
        "response_time": response_time_text(selectors.response_time_get(user_id=user.pk)),
    }


def profile_context(*, user: User) -> dict:
    """Return the public profile's context: reputation, the latest reviews (with authors) and the ads on
    sale or reserved. A constant number of queries whatever the history (reputation 2, reviews 1, ads 2)."""
    return {
        **reputation_context(user=user),
        "profile_user": user,
        "reviews": list(selectors.review_list_for_profile(user_id=user.pk, limit=PROFILE_REVIEWS_SHOWN)),
        "ads": list(ad_selectors.ad_list_on_sale_by(owner=user)[:PROFILE_ADS_SHOWN]),
    }


def review_prompt(*, conversation: Conversation, user: User) -> tuple[dict | None, datetime | None]:
    """Return the review prompt for *user*'s open *conversation* (``{"review", "editable_until"}``, review
    None until written) or None while the gate is closed, and when the prompt next changes by time alone
    (the gate opening, the edit window closing), for the cached pane's expiry. One query when the gate is
    open (the author's review), none otherwise."""
    refusal = services.review_refusal(conversation=conversation, user=user)
    if refusal == "review_too_early":
        opens = services.review_opens_at(conversation)
        return None, opens if opens > timezone.now() else None
    if refusal:
        return None, None
    review = selectors.review_by_author(conversation=conversation, user_id=user.pk)
    until = services.review_editable_until(review) if review is not None else None
    closes = services.review_closes_at(conversation) if review is None else None
    return {"review": review, "editable_until": until}, until or closes
