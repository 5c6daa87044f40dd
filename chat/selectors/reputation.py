"""Reads of reputation: public profiles, their review summary and reviews, response time."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Avg, Count, QuerySet
from django.http import Http404

from accounts.models import User
from chat.models import Conversation, ResponseTime, Review


def profile_user_get(*, public_id: str) -> User:
    """Return the user whose public profile is *public_id*; Http404 when there is none or the account is
    suspended or closed (their reviews and ads are not shown either)."""
    user = User.objects.filter(public_id=public_id, is_active=True).first()
    if user is None:
        raise Http404("No such profile.")
    return user


def review_summary(*, user_id: int) -> dict:
    """Return ``{"count", "reliability", "friendliness", "overall"}`` over the published reviews of user
    *user_id* (averages as floats rounded to one decimal, None without reviews). One aggregate query on
    ``review_subject_idx``."""
    row = (
        Review.objects.published()
        .filter(subject_id=user_id)
        .aggregate(count=Count("id"), reliability=Avg("reliability"), friendliness=Avg("friendliness"))
    )
    if not row["count"]:
        return {"count": 0, "reliability": None, "friendliness": None, "overall": None}
    reliability, friendliness = row["reliability"], row["friendliness"]
    return {
        "count": row["count"],
        "reliability": round(reliability, 1),
        "friendliness": round(friendliness, 1),
        "overall": round((reliability + friendliness) / 2, 1),
    }


def review_list_for_profile(*, user_id: int, limit: int = 10) -> QuerySet[Review]:
    """Return the latest *limit* published reviews of user *user_id*, newest first, with their authors
    (one query)."""
    return Review.objects.published().filter(subject_id=user_id).select_related("author")[:limit]


def response_time_get(*, user_id: int) -> int | None:
    """Return seller *user_id*'s median first-reply delay in seconds, or None when fewer than
    MARKETPLACE_RESPONSE_TIME_MIN_SAMPLE conversations count (one query on the stored row)."""
    row = ResponseTime.objects.filter(user_id=user_id).values("median_s", "sample_size").first()
    if (
        row is None
        or row["median_s"] is None
        or row["sample_size"] < settings.MARKETPLACE_RESPONSE_TIME_MIN_SAMPLE
    ):
        return None
    return row["median_s"]


def review_by_author(*, conversation: Conversation, user_id: int) -> Review | None:
    """Return the review user *user_id* wrote in *conversation*, or None (one query)."""
    return Review.objects.filter(conversation=conversation, author_id=user_id).first()


def review_get_reportable(*, review_id: int, user: User) -> Review:
    """Return the published review *review_id* for *user* to report, with its subject; Http404 when it is
    not published, hidden, or *user*'s own."""
    review = Review.objects.published().select_related("subject").filter(pk=review_id).first()
    if review is None or review.author_id == user.pk:
        raise Http404("No such review.")
    return review
