"""The CraigslistBargain data as the importer reads it: its files, its categories, and the people it
stands for (``manage.py import_craigslistbargain``). No database access here.

Source and format: ../shared/data/craigslistbargain/SOURCE.md (He et al., EMNLP 2018, arXiv:1808.09637).
"""

from __future__ import annotations

import json
import zlib
from pathlib import Path

# Dataset category -> (our category slug, name): the importer creates missing categories.
CATEGORY_MAP = {
    "bike": ("bikes", "Bikes"),
    "car": ("vehicles", "Vehicles"),
    "electronics": ("electronics", "Electronics"),
    "furniture": ("furniture", "Furniture"),
    "housing": ("real-estate", "Real estate"),
    "phone": ("phones", "Phones"),
}
BUYER_POOL_SIZE = 300
EMAIL_DOMAIN = "craigslistbargain.invalid"
FIRST_NAMES = (
    "Alex Bailey Casey Dana Eli Frankie Gray Harper Indy Jordan Kai Logan Morgan Noor Oakley Parker Quinn "
    "Riley Sage Taylor Uma Val Wren Yuri"
).split()


def stable_hash(text: str) -> int:
    """Return a hash of *text* that is the same in every process (``hash()`` is salted per process)."""
    return zlib.crc32(text.encode("utf-8"))


def person_name(key: str) -> str:
    """Return a display name ("Kai R.") chosen by *key*, the same on every run."""
    number = stable_hash(key)
    return f"{FIRST_NAMES[number % len(FIRST_NAMES)]} {chr(65 + (number // 7) % 26)}."


def read_jsonl(path: Path) -> list[dict]:
    """Return the JSON objects of the non-blank lines of the UTF-8 file *path*."""
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def assign_buyers(dialogues: list[dict], pool_size: int = BUYER_POOL_SIZE) -> dict[str, int]:
    """Map each dialogue id to a buyer number in ``range(pool_size)``, from the data alone.

    Buyers talk to several sellers, as real buyers do, but never twice about the same listing (one
    conversation per buyer, seller and ad). Depends only on the dialogue ids and listing ids, so every
    run assigns the same buyers: that is what makes the import idempotent.
    """
    taken: set[tuple[int, str]] = set()
    assignment = {}
    for dialogue in sorted(dialogues, key=lambda d: d["id"]):
        number = stable_hash(dialogue["id"]) % pool_size
        for _ in range(pool_size):
            if (number, dialogue["listing_id"]) not in taken:
                break
            number = (number + 1) % pool_size
        taken.add((number, dialogue["listing_id"]))
        assignment[dialogue["id"]] = number
    return assignment
