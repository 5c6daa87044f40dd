"""The daily email digest of saved searches: one email per user per day listing the new ads of each of
their ``daily`` searches, with a one-click unsubscribe (RFC 8058) that needs no login.

A user's digest is due when their daily searches have matches no digest listed yet (``emailed_at`` is
None, matched within DIGEST_LOOKBACK_DAYS) and no digest went to them in the last 24 hours. Like the
unread-messages email, each user is handled in one transaction holding their row lock taken with SKIP
LOCKED, the matches re-read under it and marked emailed with the send: two notifiers never send the
same digest, and a failed send rolls back and is retried on the next pass.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext

from accounts.models import User
from ads.models import Ad, SavedSearch, SavedSearchMatch
from ads.search_alerts import saved_search_url
from marketplace import passes, unsubscribe

logger = logging.getLogger(__name__)

DIGEST_EVERY = timedelta(days=1)
# Matches older than this are not listed (a search switched to daily does not mail a month of ads).
DIGEST_LOOKBACK_DAYS = 7
# Ads listed per search in one digest; the rest are "and N more" behind the search's link.
ADS_PER_SEARCH = 10
UNSUBSCRIBE_SALT = "ads.saved-search-digest-unsubscribe"


def unsubscribe_token(*, user_id: int, saved_search_public_id: str = "") -> str:
    """Return the signed token of a digest's unsubscribe link: for one saved search
    (*saved_search_public_id*) or, with "", for every daily digest of user *user_id*. No expiry."""
    return unsubscribe.sign([user_id, saved_search_public_id], salt=UNSUBSCRIBE_SALT)


def unsubscribe_target(*, token: str) -> tuple[int, str, str]:
    """Return ``(user id, saved search public id or "", its name or "")`` of an unsubscribe *token*.
    Raises Http404 when the token is forged or names a saved search that was deleted."""
    try:
        user_id, public_id = unsubscribe.read(token, salt=UNSUBSCRIBE_SALT)
        user_id, public_id = int(user_id), str(public_id)
    except (TypeError, ValueError) as error:
        raise Http404(unsubscribe.INVALID) from error
    if not public_id:
        return user_id, "", ""
    name = (
        SavedSearch.objects.filter(user_id=user_id, public_id=public_id)
        .values_list("name", flat=True)
        .first()
    )
    if name is None:
        raise Http404("This saved search was deleted.")
    return user_id, public_id, name


def digest_unsubscribe(*, user_id: int, saved_search_public_id: str = "") -> int:
    """Turn the daily digest off (channel ``off``) for user *user_id*'s saved search
    *saved_search_public_id*, or for all their daily searches with ""; return how many changed."""
    searches = SavedSearch.objects.filter(user_id=user_id, channel=SavedSearch.Channel.DAILY)
    if saved_search_public_id:
        searches = searches.filter(public_id=saved_search_public_id)
    return searches.update(channel=SavedSearch.Channel.OFF)


def _pending(now: datetime):
    return SavedSearchMatch.objects.filter(
        emailed_at__isnull=True,
        saved_search__channel=SavedSearch.Channel.DAILY,
        saved_search__user__is_active=True,
        created_at__gte=now - timedelta(days=DIGEST_LOOKBACK_DAYS),
    )


def _absolute(path: str) -> str:
    return settings.MARKETPLACE_SITE_URL.rstrip("/") + path


def _sections(user: User, matches: list[SavedSearchMatch]) -> list[dict]:
    by_search: dict[int, dict] = {}
    for match in matches:
        saved_search = match.saved_search
        section = by_search.setdefault(
            saved_search.pk,
            {
                "name": saved_search.name,
                "url": saved_search_url(saved_search),
                "ads": [],
                "more": 0,
                "unsubscribe_url": _absolute(
                    reverse(
                        "ads:saved_search_unsubscribe",
                        args=[
                            unsubscribe_token(user_id=user.pk, saved_search_public_id=saved_search.public_id)
                        ],
                    )
                ),
            },
        )
        if len(section["ads"]) < ADS_PER_SEARCH:
            section["ads"].append(
                {
                    "title": match.ad.title,
                    "price": match.ad.price,
                    "url": _absolute(match.ad.get_absolute_url()),
                }
            )
        else:
            section["more"] += 1
    return list(by_search.values())


def _send(user: User, matches: list[SavedSearchMatch]) -> None:
    with translation.override(user.language or settings.LANGUAGE_CODE):
        unsubscribe_url = _absolute(
            reverse("ads:saved_search_unsubscribe", args=[unsubscribe_token(user_id=user.pk)])
        )
        context = {
            "user": user,
            "sections": _sections(user, matches),
            "unsubscribe_url": unsubscribe_url,
            "searches_url": _absolute(reverse("ads:saved_searches")),
        }
        count = len(matches)
        subject = ngettext(
            "%(count)s new ad for your saved searches", "%(count)s new ads for your saved searches", count
        ) % {"count": count}
        email = EmailMultiAlternatives(
            subject=subject,
            body=render_to_string("ads/email/digest.txt", context),
            to=[user.email],
            headers=unsubscribe.email_headers(unsubscribe_url),
        )
        email.attach_alternative(render_to_string("ads/email/digest.html", context), "text/html")
        email.send()


def digest_for_user(*, user_id: int, now: datetime | None = None) -> bool:
    """Email user *user_id* the digest of their daily saved searches if one is due; return True if sent.

    Takes the user's row lock with SKIP LOCKED (False when another process holds it), re-reads the
    pending matches under it, sends one email and marks them emailed, in one transaction."""
    now = now or timezone.now()
    with transaction.atomic():
        user = User.objects.select_for_update(skip_locked=True).filter(pk=user_id, is_active=True).first()
        if user is None:
            return False
        recent = SavedSearchMatch.objects.filter(
            saved_search__user_id=user_id, emailed_at__gt=now - DIGEST_EVERY
        )
        if recent.exists():
            return False
        listed = Ad.objects.browsable().values("pk")
        matches = list(
            _pending(now)
            .filter(saved_search__user_id=user_id, ad__in=listed)
            .select_related("saved_search", "ad")
            .order_by("saved_search__created_at", "saved_search_id", "-ad__created_at")
        )
        if not matches:
            return False
        _send(user, matches)
        _pending(now).filter(saved_search__user_id=user_id).update(emailed_at=now)
    return True


def digest_pass(*, now: datetime | None = None, limit: int = 500) -> int:
    """Run one pass: send every due digest (at most *limit* users); return how many were sent. An error
    for one user is logged and that user retried on the next pass."""
    now = now or timezone.now()
    user_ids = list(
        _pending(now)
        .values_list("saved_search__user_id", flat=True)
        .distinct()
        .order_by("saved_search__user_id")[:limit]
    )
    return passes.each_user(
        user_ids,
        lambda user_id: digest_for_user(user_id=user_id, now=now),
        what="saved-search digest",
        logger=logger,
    )
