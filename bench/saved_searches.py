#!/usr/bin/env python
"""The cost of matching saved searches: one notifier pass over --searches saved searches (10,000 by
default) after --new-ads ads were placed, on bench/generate's catalogue.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/marketplace_bench bench/saved-searches --searches 10000

Adds the saved searches (spread over the bench users, past the 20-per-user cap of the service: a bench
needs more searches than its users may keep) with filters drawn like the ad list's (words of the
catalogue's titles, a category, an area, a condition, a price range, with photos, in mixes), their
watermark 15 minutes ago, and --new-ads active ads placed within those 15 minutes. Then runs
``ads.search_alerts.match_pass`` once, as the notifier does, and prints the total seconds, the SQL
queries, the
time per search and the matches; the EXPLAIN ANALYZE of one search with words and one with filters only
(to show the indexes they use). Announcements are not sent (no VAPID keys are read here: ``announce`` is
replaced by a counter), so the figure is the matching's own. Removes what it added at the end.
"""

from __future__ import annotations

import argparse
import collections
import os
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Max  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from ads import search_alerts as alerts  # noqa: E402
from ads.models import Ad, Category, SavedSearch, SavedSearchMatch  # noqa: E402
from bench import catalogue  # noqa: E402
from marketplace.ids import new_public_id  # noqa: E402

WINDOW = timedelta(minutes=15)


def random_query(rng: random.Random, categories: list[str]) -> str:
    """A saved search's query string as the list's form normalises it: 1–3 filters, words in half."""
    parts = []
    if rng.random() < 0.5:
        parts.append("q=" + rng.choice(catalogue.ADJECTIVES + catalogue.ITEMS))
    if rng.random() < 0.5:
        parts.append("category=" + rng.choice(categories))
    if rng.random() < 0.4:
        parts.append("area=" + rng.choice(Ad.Area.values))
    if rng.random() < 0.2:
        parts.append("condition=" + rng.choice(Ad.Condition.values))
    if rng.random() < 0.3:
        low = rng.randint(0, 2000)
        parts.append(f"price_min={low}&price_max={low + rng.randint(100, 3000)}")
    if rng.random() < 0.1:
        parts.append("photos=1")
    return "&".join(parts) or "q=" + rng.choice(catalogue.ITEMS)


def add_world(rng: random.Random, *, searches: int, new_ads: int, now) -> tuple[list[int], list[int]]:
    users = list(User.objects.filter(is_active=True).values_list("pk", flat=True))
    categories = list(Category.objects.all())
    slugs = [category.slug for category in categories]
    since = now - WINDOW
    rows = [
        SavedSearch(
            public_id=new_public_id(),
            user_id=rng.choice(users),
            name=f"bench search {n}",
            query=random_query(rng, slugs),
            matched_up_to=since,
            opened_at=since,
        )
        for n in range(searches)
    ]
    search_ids = [row.pk for row in SavedSearch.objects.bulk_create(rows, batch_size=2000)]
    first_id = (Ad.objects.aggregate(top=Max("id"))["top"] or 0) + 1
    ads = []
    for n in range(new_ads):
        created = now - timedelta(seconds=rng.randint(alerts.GRACE_S + 5, int(WINDOW.total_seconds()) - 5))
        ads.append(
            Ad(
                id=first_id + n,
                title=f"{rng.choice(catalogue.ADJECTIVES)} {rng.choice(catalogue.ITEMS)} new {n}",
                description=f"{rng.choice(catalogue.ADJECTIVES)} {rng.choice(catalogue.ITEMS)}, pick up only",
                price=rng.randint(1, 5000),
                area=rng.choice(Ad.Area.values),
                condition=rng.choice(Ad.Condition.values),
                owner_id=rng.choice(users),
                category=rng.choice(categories),
                created_at=created,
            )
        )
    ad_ids = [ad.pk for ad in Ad.objects.bulk_create(ads, batch_size=2000)]
    return search_ids, ad_ids


def explain(now) -> str:
    out = []
    for label, condition in (("with words", {"query__startswith": "q="}), ("filters only", {})):
        candidates = SavedSearch.objects.filter(name__startswith="bench search ", **condition)
        if not condition:
            candidates = candidates.exclude(query__startswith="q=")
        saved = candidates.order_by("pk").first()
        if saved is None:
            continue
        ads = alerts.matching_ads(saved, since=now - WINDOW, until=now - timedelta(seconds=alerts.GRACE_S))
        plan = ads.values_list("pk", flat=True)[: alerts.MATCHES_PER_PASS].explain(analyze=True)
        out.append(f"## saved search {label}: {saved.query}\n{plan}\n")
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--searches", type=int, default=10_000)
    parser.add_argument("--new-ads", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--max-seconds", type=float, default=0, help="Exit 1 when the pass takes longer.")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("bench/saved-searches needs PostgreSQL (set DATABASE_URL to a bench/generate database).")
    rng = random.Random(args.seed)
    now = timezone.now()
    catalogue_size = Ad.objects.count()
    search_ids, ad_ids = add_world(rng, searches=args.searches, new_ads=args.new_ads, now=now)
    announced = []
    alerts.announce_matches = lambda saved_search, ids: announced.append(len(ids))
    try:
        connection.queries_log = collections.deque(maxlen=1_000_000)  # count every query, not the last 9,000
        with CaptureQueriesContext(connection) as queries:
            started, cpu = time.perf_counter(), time.process_time()
            result = alerts.match_pass(now=now)
            elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        print(
            f"saved searches: {result.searches} over {catalogue_size} ads, {len(ad_ids)} new in the window\n"
            f"total: {elapsed:.2f} s, {len(queries)} queries, "
            f"{1000 * elapsed / max(result.searches, 1):.2f} ms per search; "
            f"{result.matches} matches for {len(announced)} searches\n"
            f"this process's CPU: {cpu:.2f} s; load average at the end: {os.getloadavg()[0]:.1f} "
            f"on {os.cpu_count()} CPUs (the wall time includes waiting for them)"
        )
        print(explain(now))
    finally:
        SavedSearchMatch.objects.filter(saved_search_id__in=search_ids).delete()
        SavedSearch.objects.filter(pk__in=search_ids).delete()
        Ad.objects.filter(pk__in=ad_ids).delete()
    if args.max_seconds and elapsed > args.max_seconds:
        sys.exit(f"the pass took {elapsed:.1f} s, over --max-seconds {args.max_seconds}")


if __name__ == "__main__":
    main()
