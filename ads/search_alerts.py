"""Saved-search alerts: matching new ads against saved searches (run by the notifier process, never per
request), announcing them (``announce_matches``: instant Web Push and the notification centre's call
point) and the daily email digest.

Matching works on windows of ``Ad.created_at``: each saved search remembers the end of the last window it
matched (``SavedSearch.matched_up_to``, its watermark). A pass takes a horizon (now minus GRACE_S, so an
ad whose transaction commits a moment after its ``created_at`` is still seen) and, for each search behind
it, runs one query: the list's own filters over the active ads created in (watermark, horizon], served by
the indexes (``ad_status_created_idx`` for the window, ``ad_search_vector_gin`` for words). The matches
are stored (unique per search and ad: a database constraint) and the watermark moved, in one transaction
per batch of searches under their row locks taken with SKIP LOCKED: two notifiers never match one search
at once, and a restart resumes at the watermarks, so no ad is announced twice. Announcements run after
the commit: a crash between the two loses a push (the "N new" of the Saved searches page and the digest
still have it), never repeats one.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from accounts import services as account_services
from ads import search
from ads.models import Ad, Category, SavedSearch, SavedSearchMatch
from ads.saved_searches import filters_of
from notifications import services as notifications

logger = logging.getLogger(__name__)

# Seconds an ad's transaction may take to commit after its created_at and still be matched (ad_create's
# transaction holds photo writes; a minute is far above what it takes).
GRACE_S = 60
# Ads stored and announced per search and pass: the newest ones. A search that matches more in one
# window (a search for everything) says "100 new" rather than storing thousands of rows.
MATCHES_PER_PASS = 100
# Saved searches matched in one transaction: their row locks are held for about BATCH × 0.1–1 ms.
BATCH = 200


@dataclass(frozen=True)
class MatchPass:
    """What one pass did: searches matched, and ads they matched (announced or waiting for a digest)."""

    searches: int
    matches: int


def matching_ads(
    saved_search: SavedSearch, *, since: datetime, until: datetime, categories: list[Category] | None = None
) -> QuerySet[Ad]:
    """Return the ads on sale created in (*since*, *until*] that *saved_search*'s filters match, newest
    first, other users' ads only (sellers not suspended). "Posted within N days" is left out: every ad
    of the window is new. *categories* spares the query validating the category slug."""
    filters = replace(filters_of(saved_search, categories=categories), posted_within_days=None)
    ads = (
        Ad.objects.active()
        .filter(owner__is_active=True, created_at__gt=since, created_at__lte=until)
        .exclude(owner_id=saved_search.user_id)
    )
    return search.apply_filters(ads, filters).order_by("-created_at", "-id")


def match_saved_searches(
    *, saved_search_ids: list[int], horizon: datetime, categories: list[Category] | None = None
) -> dict[int, list[int]]:
    """Match the saved searches *saved_search_ids* against the ads created since each one's watermark up
    to *horizon*; return {saved search id: the ids of the ads it matched (newest first, at most
    MATCHES_PER_PASS)} for those that matched any.

    One transaction for the batch (a commit per search would cost a disk flush each): the searches' row
    locks (SKIP LOCKED: a search another notifier holds, or already at *horizon*, is left out), one
    matching query per search, the matches (unique per search and ad) in one INSERT and the new
    watermarks in one UPDATE. ``announce_matches`` runs for each search after the commit."""
    found: dict[int, list[int]] = {}
    with transaction.atomic():
        searches = list(
            SavedSearch.objects.select_for_update(skip_locked=True)
            .filter(pk__in=saved_search_ids, matched_up_to__lt=horizon)
            .order_by("pk")
        )
        rows = []
        for saved_search in searches:
            ads = matching_ads(
                saved_search, since=saved_search.matched_up_to, until=horizon, categories=categories
            )
            ad_ids = list(ads.values_list("pk", flat=True)[:MATCHES_PER_PASS])
            if ad_ids:
                found[saved_search.pk] = ad_ids
                rows += [SavedSearchMatch(saved_search=saved_search, ad_id=ad_id) for ad_id in ad_ids]
                transaction.on_commit(partial(_announce_safely, saved_search, ad_ids))
        if rows:
            SavedSearchMatch.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
        if searches:
            SavedSearch.objects.filter(pk__in=[item.pk for item in searches]).update(matched_up_to=horizon)
    return found


def _announce_safely(saved_search: SavedSearch, ad_ids: list[int]) -> None:
    try:
        announce_matches(saved_search, ad_ids)
    except Exception:  # noqa: BLE001 - one failing device or address must not stop the pass
        logger.exception("announcing saved search %s failed; its matches stay listed", saved_search.pk)


def match_pass(*, now: datetime | None = None, limit: int | None = None) -> MatchPass:
    """Run one matching pass over every saved search behind the horizon (*now* − GRACE_S), oldest
    watermark first (at most *limit*); return what it did. When no ad at all was created since the
    oldest watermark, every watermark moves in one UPDATE without a query per search. Safe in several
    processes at once (see the module docstring)."""
    horizon = (now or timezone.now()) - timedelta(seconds=GRACE_S)
    behind = SavedSearch.objects.filter(matched_up_to__lt=horizon)
    oldest = behind.order_by("matched_up_to").values_list("matched_up_to", flat=True).first()
    if oldest is None:
        return MatchPass(searches=0, matches=0)
    if not Ad.objects.filter(created_at__gt=oldest, created_at__lte=horizon).exists():
        # Re-checked per row under the row's lock by PostgreSQL: a watermark never moves back.
        return MatchPass(searches=behind.update(matched_up_to=horizon), matches=0)
    categories = list(Category.objects.all())
    ids = list(behind.order_by("matched_up_to", "pk").values_list("pk", flat=True)[:limit])
    matches = 0
    for start in range(0, len(ids), BATCH):
        found = match_saved_searches(
            saved_search_ids=ids[start : start + BATCH], horizon=horizon, categories=categories
        )
        matches += sum(len(ad_ids) for ad_ids in found.values())
    return MatchPass(searches=len(ids), matches=matches)


def _absolute(path: str) -> str:
    return settings.MARKETPLACE_SITE_URL.rstrip("/") + path


def saved_search_path(saved_search: SavedSearch) -> str:
    """Return the site path of the ad list showing *saved_search*'s filters, newest first."""
    query = f"{saved_search.query}&sort={search.NEWEST}" if saved_search.query else f"sort={search.NEWEST}"
    return f"{reverse('ads:list')}?{query}"


def saved_search_url(saved_search: SavedSearch) -> str:
    """Return the absolute URL of ``saved_search_path`` (for pushes and emails)."""
    return _absolute(saved_search_path(saved_search))


def push_payload(saved_search: SavedSearch, ads: list[Ad]) -> dict:
    """Return the Web Push notification for *ads* (newest first, at least one) newly matching
    *saved_search*, in its owner's language: ``title`` (the search's name), ``body`` (how many, and the
    newest one's title), ``url`` (the list with the search's filters) and ``tag`` (one per search)."""
    user = saved_search.user
    with translation.override(user.language or settings.LANGUAGE_CODE):
        count = len(ads)
        title = gettext("New for “%(name)s”") % {"name": saved_search.name}
        body = ngettext("%(count)s new ad: %(title)s", "%(count)s new ads, the newest: %(title)s", count) % {
            "count": count,
            "title": ads[0].title,
        }
    return {
        "title": title,
        "body": body,
        "url": saved_search_url(saved_search),
        "tag": f"saved-search-{saved_search.public_id}",
    }


def announce_matches(saved_search: SavedSearch, ad_ids: list[int]) -> int:
    """Announce the ads *ad_ids* (newest first) that newly match *saved_search*, on its channel; return how
    many devices accepted a Web Push.

    ``instant``: a Web Push to each of the owner's devices (``accounts.services.push_to_user``) and an
    item in the notification centre. ``daily``: nothing now; the next digest lists them
    (``digest_pass``). ``off``: nothing (the Saved searches page still counts them as new). Runs outside
    any transaction (after the matching commits)."""
    if saved_search.channel != SavedSearch.Channel.INSTANT or not ad_ids:
        return 0
    ads = list(Ad.objects.filter(pk__in=ad_ids).order_by("-created_at", "-id"))
    if not ads:
        return 0
    # The centre's item; its own Web Push for this kind is off (notifications.kinds): this push is it.
    notifications.notify(
        saved_search.user_id,
        "saved_search_match",
        params={"name": saved_search.name, "count": len(ads)},
        url=saved_search_path(saved_search),
        dedupe_key=f"saved-search:{saved_search.public_id}:{ads[0].public_id}",
    )
    return account_services.push_to_user(
        user_id=saved_search.user_id, payload=push_payload(saved_search, ads)
    )
