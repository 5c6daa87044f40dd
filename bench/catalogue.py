"""The ad catalogue bench/generate adds besides the ads its conversations are about: what the ad list's
search and filters run over (100,000 ads at the small and large scales)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from ads.models import Ad
from marketplace.ids import new_public_id

# Catalogue ads per bench/generate scale.
SIZES = {"tiny": 2_000, "small": 100_000, "large": 100_000}
# A title is an adjective and an item, in English or Russian (both are indexed), and a number.
ADJECTIVES = [
    "walnut",
    "oak",
    "vintage",
    "compact",
    "electric",
    "folding",
    "leather",
    "wooden",
    "ореховый",
    "старый",
]
ITEMS = [
    "sofa",
    "table",
    "chair",
    "bike",
    "lamp",
    "desk",
    "phone",
    "camera",
    "диван",
    "велосипед",
    "стол",
    "шкаф",
]
COLUMNS = [
    "id", "public_id", "title", "description", "price", "city", "area", "condition", "status",
    "created_at", "updated_at", "owner_id", "category_id",
]  # fmt: skip


def rows(cursor, rng: random.Random, *, first_id: int, count: int) -> Iterator[tuple]:
    """Return *count* active ads (an iterator of COLUMNS tuples) with ids from *first_id*, spread over
    every category, area and condition (and none), prices 1..5000 (every 20th on request) and the last 90
    days, owned by every user but the first (the heavy seller). *cursor* reads the categories and users
    now, before the COPY that consumes the iterator uses it."""
    cursor.execute("SELECT id FROM ads_category ORDER BY id")
    categories = [row[0] for row in cursor.fetchall()]
    cursor.execute("SELECT max(id) FROM accounts_user")
    owners = cursor.fetchone()[0]
    return _rows(rng, first_id=first_id, count=count, categories=categories, owners=owners)


def _rows(
    rng: random.Random, *, first_id: int, count: int, categories: list[int], owners: int
) -> Iterator[tuple]:
    now = datetime.now(tz=UTC)
    areas = [value for value, _ in Ad.Area.choices] + [""]
    conditions = [value for value, _ in Ad.Condition.choices] + [""]
    for n in range(count):
        created = now - timedelta(seconds=rng.randint(0, 90 * 86400))
        title = f"{rng.choice(ADJECTIVES)} {rng.choice(ITEMS)} {n}"
        description = f"{rng.choice(ADJECTIVES)} {rng.choice(ITEMS)}, pick up only"
        price = None if n % 20 == 0 else rng.randint(1, 5000)
        area, condition = rng.choice(areas), rng.choice(conditions)
        owner, category = rng.randint(2, owners), rng.choice(categories)
        yield (first_id + n, new_public_id(), title, description, price, "", area, condition, "active",
               created, created, owner, category)  # fmt: skip
