"""Finding ads: the filters of the ad list, its sort orders and keyset (cursor) pagination.

A page is "the next *size* ads after this cursor" in the chosen order, so every page costs the same
queries and the same index walk however many ads there are (an OFFSET page reads and throws away every
earlier row, and a COUNT reads them all). The cursor is the last ad's sort key, opaque to the visitor.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.contrib.postgres.search import SearchRank
from django.db import connections
from django.db.models import DecimalField, Exists, F, FloatField, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from ads.managers import full_text_query
from ads.models import Ad, AdPhoto, Category

# Sorts: newest first, price ascending/descending ("price on request" last either way) and relevance (the
# full-text rank; newest when there is no text or no full-text search, as on SQLite).
NEWEST, PRICE_ASC, PRICE_DESC, RELEVANCE = "newest", "price_asc", "price_desc", "relevance"
SORTS = (NEWEST, PRICE_ASC, PRICE_DESC, RELEVANCE)
# Above any price an ad can have (12 digits, 2 of them decimals) and below any: "on request" sorts last.
_NO_PRICE_HIGH = Decimal("10000000000")
_NO_PRICE_LOW = Decimal("-1")
_PRICE_FIELD = DecimalField(max_digits=13, decimal_places=2)


@dataclass(frozen=True)
class AdFilters:
    """What a visitor narrowed the list to; every field optional (empty means "any")."""

    text: str = ""
    category: Category | None = None
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    condition: str = ""
    area: str = ""
    with_photos: bool = False
    posted_within_days: int | None = None
    sort: str = ""


@dataclass(frozen=True)
class AdPage:
    """One page of ads and the cursor of the next page (None on the last page)."""

    ads: list[Ad]
    next_cursor: str | None


def apply_filters(ads: QuerySet[Ad], filters: AdFilters) -> QuerySet[Ad]:
    """Return *ads* narrowed by every filter set in *filters* (sorting is ``sorted_keys``'s)."""
    if filters.text:
        ads = ads.search(filters.text)
    if filters.category is not None:
        ads = ads.filter(category=filters.category)
    if filters.price_min is not None:
        ads = ads.filter(price__gte=filters.price_min)
    if filters.price_max is not None:
        ads = ads.filter(price__lte=filters.price_max)
    if filters.condition:
        ads = ads.filter(condition=filters.condition)
    if filters.area:
        ads = ads.filter(area=filters.area)
    if filters.with_photos:
        ads = ads.filter(Exists(AdPhoto.objects.filter(ad=OuterRef("pk"))))
    if filters.posted_within_days:
        ads = ads.filter(created_at__gte=timezone.now() - timedelta(days=filters.posted_within_days))
    return ads


def effective_sort(filters: AdFilters, *, vendor: str) -> str:
    """Return the sort that will be used: relevance needs text and full-text search (PostgreSQL); with
    text and no sort chosen, relevance is the default; otherwise newest."""
    can_rank = bool(filters.text) and vendor == "postgresql" and full_text_query(filters.text) is not None
    if filters.sort == RELEVANCE or (not filters.sort and filters.text):
        return RELEVANCE if can_rank else NEWEST
    return filters.sort if filters.sort in SORTS else NEWEST


def sorted_keys(ads: QuerySet[Ad], sort: str, text: str) -> tuple[QuerySet[Ad], list[tuple[str, bool]]]:
    """Annotate *ads* with the sort keys of *sort*; return them and [(key, descending)], id last as the
    tie-breaker that makes the order total (a keyset needs one)."""
    if sort == RELEVANCE:
        # ts_rank is a real (float4), whose text form does not round-trip through a Python float: as
        # double precision the cursor's value compares equal to the row's and the keyset moves on.
        rank = Cast(SearchRank(F("search_vector"), full_text_query(text)), FloatField())
        ads = ads.annotate(sort_rank=rank)
        return ads, [("sort_rank", True), ("id", True)]
    if sort == PRICE_ASC:
        ads = ads.annotate(sort_price=Coalesce("price", Value(_NO_PRICE_HIGH), output_field=_PRICE_FIELD))
        return ads, [("sort_price", False), ("id", True)]
    if sort == PRICE_DESC:
        ads = ads.annotate(sort_price=Coalesce("price", Value(_NO_PRICE_LOW), output_field=_PRICE_FIELD))
        return ads, [("sort_price", True), ("id", True)]
    return ads, [("created_at", True), ("id", True)]


def _encode(values: list) -> str:
    plain = [
        v.isoformat() if isinstance(v, datetime) else str(v) if isinstance(v, Decimal) else v for v in values
    ]
    return base64.urlsafe_b64encode(json.dumps(plain).encode()).decode().rstrip("=")


def _decode(cursor: str, keys: list[tuple[str, bool]]) -> list | None:
    """Return the key values in *cursor*, or None when it is not one of this sort's cursors (a stale or
    edited link then starts from the first page rather than failing)."""
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(values, list) or len(values) != len(keys):
            return None
        parsers = {"created_at": datetime.fromisoformat, "sort_price": Decimal, "sort_rank": float, "id": int}
        parsed = [parsers[name](value) for (name, _), value in zip(keys, values, strict=True)]
    except (ValueError, TypeError, InvalidOperation, binascii.Error, UnicodeDecodeError):
        return None
    if isinstance(parsed[0], datetime) and timezone.is_naive(parsed[0]):
        return None
    return parsed


def _after(keys: list[tuple[str, bool]], values: list) -> Q:
    """Rows strictly after *values* in the order of *keys*: (k1 > v1) or (k1 = v1 and k2 > v2) …"""
    condition = Q(pk__in=[])
    for i, (name, descending) in enumerate(keys):
        step = Q(**{f"{name}__{'lt' if descending else 'gt'}": values[i]})
        for j in range(i):
            step &= Q(**{keys[j][0]: values[j]})
        condition |= step
    return condition


def page_after(ads: QuerySet[Ad], filters: AdFilters, *, cursor: str = "", size: int) -> AdPage:
    """Return the page of *size* ads of *ads* (already filtered) that follows *cursor* ("" for the first
    page) in the order ``effective_sort`` picks. One query for the ads, plus whatever *ads* prefetches."""
    sort = effective_sort(filters, vendor=connections[ads.db].vendor)
    ads, keys = sorted_keys(ads, sort, filters.text)
    values = _decode(cursor, keys) if cursor else None
    if values is not None:
        ads = ads.filter(_after(keys, values))
    ads = ads.order_by(*[f"-{name}" if descending else name for name, descending in keys])
    rows = list(ads[: size + 1])
    if len(rows) <= size:
        return AdPage(ads=rows, next_cursor=None)
    last = rows[size - 1]
    return AdPage(ads=rows[:size], next_cursor=_encode([getattr(last, name) for name, _ in keys]))
