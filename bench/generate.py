#!/usr/bin/env python
"""Fill an empty, migrated PostgreSQL database with marketplace chat data at a chosen scale, fast (COPY).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/marketplace_bench bench/generate --scale small

Scales (messages): ``tiny`` ≈ 2,000 (CI's smoke run), ``small`` ≈ 100,000, ``large`` ≈ 10,000,000.
Shape, at every scale (tiny: 40 heavy conversations, the first with 500 messages):
- ``bench-seller@bench.invalid``: a heavy seller with 400 conversations (one per buyer and ad); the
  first one has 10,000 messages;
- ``bench-buyer-0@bench.invalid``: a heavy buyer, in 3/4 of those conversations;
- a long tail of conversations between other users, 2–40 messages each (geometric-ish, mean ≈ 12).
Users' password is ``bench-password``. Message texts are drawn from ../shared/data/craigslistbargain
when present.
Secondary indexes of chat_message are dropped during the load and rebuilt after it (much faster than
maintaining them row by row); unread counters and last-message pointers are written as the services keep them.
Every table is written with every column of its model (``copy_model``): a column the generator does not
set gets the field's default, or NULL; a NOT NULL column with neither stops the run naming it, so a
migration that adds one fails here (and in CI's smoke run) instead of at COPY time.
Prints progress and the time taken. Refuses to run on a database that already has users.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import connection, models, transaction  # noqa: E402
from django.db.models.fields import AutoFieldMixin  # noqa: E402

from accounts.models import User  # noqa: E402
from ads.models import Ad  # noqa: E402
from bench import catalogue  # noqa: E402
from chat.models import Conversation, ConversationParticipant, Message  # noqa: E402
from marketplace.ids import new_public_id  # noqa: E402

SCALES = {
    # users, tail conversations, the heavy seller's conversations, messages in the first of them
    "tiny": {"users": 120, "tail_conversations": 60, "heavy": 40, "long": 500},
    "small": {"users": 3_000, "tail_conversations": 7_300, "heavy": 400, "long": 10_000},
    "large": {"users": 100_000, "tail_conversations": 885_000, "heavy": 400, "long": 10_000},
}
DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "craigslistbargain"
NOW = datetime.now(tz=UTC)


def corpus() -> list[str]:
    texts = []
    for name in ("dev.jsonl", "test.jsonl", "extra.jsonl"):
        path = DATA / name
        if path.exists():
            with path.open(encoding="utf-8") as handle:
                for line in handle:
                    texts.extend(t["text"][:4000] for t in json.loads(line)["turns"] if t["text"].strip())
    return texts or [
        "Hi! Is this still available?",
        "Yes, it is.",
        "Would you take less?",
        "Deal, see you then.",
    ]


def copy_model(cursor, model, given: list[str], rows) -> int:
    """COPY *rows* (tuples of the *given* field attnames, e.g. ``owner_id``) into *model*'s table with every
    concrete column: the others get the field's default (called per row when callable) or NULL (an
    auto-incremented id not given is left to its sequence).

    Exits naming the column when a NOT NULL column is neither given nor has a default. Returns the count.
    """
    position = {name: index for index, name in enumerate(given)}
    unknown = set(given) - {field.attname for field in model._meta.concrete_fields}
    if unknown:
        sys.exit(f"bench/generate: {model._meta.db_table} has no column(s) {sorted(unknown)}")
    columns, fillers = [], []
    for field in model._meta.concrete_fields:
        if field.attname not in position and isinstance(field, AutoFieldMixin):
            continue  # the sequence numbers it
        if field.generated:
            continue  # PostgreSQL computes it (Ad.search_vector); COPY may not write it
        columns.append(field.column)
        if field.attname in position:
            fillers.append((0, position[field.attname]))
        elif isinstance(field, models.JSONField):
            fillers.append((2, json.dumps(field.get_default())))  # COPY takes JSON as text
        elif field.has_default():
            default = field.default
            fillers.append((1, default) if callable(default) else (2, field.get_default()))
        elif field.null:
            fillers.append((2, None))
        else:
            sys.exit(
                f"bench/generate: {model._meta.db_table}.{field.column} is NOT NULL without a default; "
                "give it a value in bench/generate.py"
            )
    count = 0
    quoted = ", ".join(f'"{column}"' for column in columns)
    with cursor.copy(f'COPY "{model._meta.db_table}" ({quoted}) FROM STDIN') as out:
        for row in rows:
            out.write_row(
                [row[value] if kind == 0 else value() if kind == 1 else value for kind, value in fillers]
            )
            count += 1
    return count


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", choices=sorted(SCALES), default="small")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("bench/generate needs PostgreSQL (set DATABASE_URL).")
    scale = SCALES[args.scale]
    rng = random.Random(args.seed)
    texts = corpus()
    started = time.monotonic()

    def step(label):
        print(f"[{time.monotonic() - started:7.1f} s] {label}", flush=True)

    with transaction.atomic(), connection.cursor() as django_cursor:
        cursor = django_cursor.cursor  # the psycopg cursor, for COPY
        cursor.execute("SELECT count(*) FROM accounts_user")
        if cursor.fetchone()[0]:
            sys.exit("The database already has users: use an empty, migrated database.")
        cursor.execute("SELECT id FROM ads_category WHERE slug = 'furniture'")
        category_id = cursor.fetchone()[0]

        password = make_password("bench-password")
        users = scale["users"]
        step(f"users: {users}")
        copy_model(
            cursor,
            User,
            [
                "id",
                "password",
                "is_superuser",
                "email",
                "display_name",
                "avatar",
                "is_staff",
                "is_active",
                "date_joined",
                "email_verified_at",
                "share_last_seen",
                "share_read_receipts",
            ],
            (
                (
                    n + 1,
                    password,
                    False,
                    "bench-seller@bench.invalid" if n == 0 else f"bench-buyer-{n - 1}@bench.invalid",
                    "Heavy Seller" if n == 0 else f"Buyer {n - 1}",
                    "",
                    False,
                    True,
                    NOW - timedelta(days=400),
                    NOW - timedelta(days=400),  # confirmed their address: they write (bench/run sends)
                    True,
                    True,
                )
                for n in range(users)
            ),
        )
        seller_id, heavy_buyer_id = 1, 2

        # Conversations: (seller, buyer, message count).
        plan = []
        heavy = scale["heavy"]
        for n in range(heavy):
            buyer = heavy_buyer_id if n < heavy * 3 // 4 else 3 + n
            plan.append((seller_id, buyer, scale["long"] if n == 0 else rng.randint(2, 30)))
        for _ in range(scale["tail_conversations"]):
            seller, buyer = rng.sample(range(3, users + 1), 2)
            plan.append((seller, buyer, min(40, 2 + int(rng.expovariate(1 / 10)))))
        total_messages = sum(count for _, _, count in plan)
        step(f"conversations: {len(plan)}, messages: {total_messages}")

        copy_model(
            cursor,
            Ad,
            [
                "id",
                "public_id",
                "title",
                "description",
                "price",
                "city",
                "area",
                "condition",
                "status",
                "created_at",
                "updated_at",
                "owner_id",
                "category_id",
            ],
            (
                (
                    n + 1,
                    new_public_id(),
                    f"Bench item {n}",
                    "",
                    rng.randint(5, 900),
                    "Oakland",
                    "oakland",
                    "",
                    "active",
                    NOW - timedelta(days=60),
                    NOW - timedelta(days=60),
                    seller,
                    category_id,
                )
                for n, (seller, _, _) in enumerate(plan)
            ),
        )
        step("ads copied")
        count = catalogue.SIZES[args.scale]
        copy_model(
            cursor, Ad, catalogue.COLUMNS, catalogue.rows(cursor, rng, first_id=len(plan) + 1, count=count)
        )
        step(f"catalogue ads: {count}")

        # Message ids are assigned here so conversations can point at their last message (the foreign keys
        # are deferred to the end of the transaction).
        conversations, participants = [], []
        next_message_id = 1
        spans = []
        for n, (seller, buyer, count) in enumerate(plan):
            conversation_id = n + 1
            first_at = NOW - timedelta(days=30) + timedelta(seconds=rng.randint(0, 29 * 86400))
            if n == 0:
                first_at = NOW - timedelta(days=29)
            step_s = 20 if count > 1000 else 90
            last_id = next_message_id + count - 1
            last_at = first_at + timedelta(seconds=step_s * (count - 1))
            spans.append((conversation_id, seller, buyer, next_message_id, count, first_at, step_s))
            conversations.append(
                (
                    conversation_id,
                    new_public_id(),
                    "furniture",
                    "x",
                    f"Bench item {n}",
                    f"Bench item {n}",  # ad_current_title: both are the ad's, set below
                    "",
                    None,
                    f"/ads/{n}/",
                    "active",
                    first_at,
                    last_at,
                    last_at,
                    n + 1,
                    buyer,
                    seller,
                    last_id,
                )
            )
            # The last message's recipient has one unread message; everyone else has read everything.
            last_sender = buyer if (count - 1) % 2 == 0 else seller
            for user, role in ((buyer, "buyer"), (seller, "seller")):
                unread = 1 if user != last_sender else 0
                participants.append(
                    (
                        role,
                        last_at,
                        last_at,
                        conversation_id,
                        user,
                        last_id - unread if count > 1 or not unread else None,
                        unread,
                    )
                )
            next_message_id = last_id + 1
        copy_model(
            cursor,
            Conversation,
            [
                "id",
                "public_id",
                "ad_entity_type",
                "ad_public_id",
                "ad_title",
                "ad_current_title",
                "ad_thumbnail_url",
                "ad_price",
                "ad_link",
                "ad_status",
                "created_at",
                "last_message_at",
                "updated_at",
                "ad_id",
                "buyer_id",
                "seller_id",
                "last_message_id",
            ],
            conversations,
        )
        cursor.execute(
            "UPDATE chat_conversation c SET ad_public_id = a.public_id, ad_link = '/ads/' || a.public_id "
            "|| '/', ad_title = a.title, ad_price = a.price, ad_current_title = a.title, "
            "ad_current_price = a.price FROM ads_ad a WHERE a.id = c.ad_id"
        )
        copy_model(
            cursor,
            ConversationParticipant,
            [
                "role",
                "last_message_at",
                "updated_at",
                "conversation_id",
                "user_id",
                "last_read_message_id",
                "unread_count",
            ],
            participants,
        )
        step("conversations and participants copied")

        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'chat_message' AND indexname <> "
            "'chat_message_pkey'"
        )
        indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        step(f"dropped {len(indexes)} secondary indexes of chat_message; copying messages")

        def message_rows():
            written = 0
            for conversation_id, seller, buyer, first_id, count, first_at, step_s in spans:
                for i in range(count):
                    yield (
                        first_id + i,
                        rng.choice(texts),
                        first_at + timedelta(seconds=step_s * i),
                        conversation_id,
                        buyer if i % 2 == 0 else seller,
                        "text",
                    )
                    written += 1
                    if written % 1_000_000 == 0:
                        step(f"messages: {written:,}")

        copy_model(
            cursor,
            Message,
            ["id", "body", "created_at", "conversation_id", "sender_id", "kind"],
            message_rows(),
        )
        for table in (
            "accounts_user",
            "ads_ad",
            "chat_conversation",
            "chat_conversationparticipant",
            "chat_message",
        ):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            )
        step("messages copied; committing (the deferred foreign-key checks run now)")
    # Indexes are rebuilt after the commit: PostgreSQL cannot build them while deferred checks are pending.
    with connection.cursor() as cursor:
        for name, definition in indexes:
            cursor.execute(definition)
            step(f"index {name} rebuilt")
        cursor.execute("ANALYZE")
    step(f"done: {len(plan):,} conversations, {total_messages:,} messages")


if __name__ == "__main__":
    main()
