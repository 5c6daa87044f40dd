#!/usr/bin/env python
"""Fill the configured database (DATABASE_URL; use PostgreSQL) with chat data shaped like a real marketplace.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/marketplace_bench .venv/bin/python bench/generate.py \\
        --buyers 2000 --heavy-conversations 300 --long-messages 10000 --tail-conversations 5000

Creates (bulk inserts, in batches, with progress):
- ``bench-seller@bench.invalid``: a heavy seller with --heavy-conversations conversations, one per buyer;
  the first of them has --long-messages messages (the 10k-message conversation);
- a long tail of --tail-conversations conversations between other users, 2–12 messages each.
All users have the password ``bench-password``. Message texts come from the CraigslistBargain dialogues when
../shared/data/craigslistbargain is present. Run it on an empty, migrated database.
"""

import argparse
import json
import os
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import transaction  # noqa: E402
from django.db.models import Max  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from ads.models import Ad, Category  # noqa: E402
from chat.models import Conversation, ConversationParticipant, Message  # noqa: E402
from marketplace.ids import new_public_id  # noqa: E402

BATCH = 5000
PASSWORD = "bench-password"
DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "craigslistbargain"


def texts() -> list[str]:
    found = []
    for name in ("dev.jsonl", "test.jsonl", "extra.jsonl"):
        path = DATA / name
        if path.exists():
            for line in path.open(encoding="utf-8"):
                found.extend(
                    turn["text"][:4000] for turn in json.loads(line)["turns"] if turn["text"].strip()
                )
    return found or ["Hi! Is this still available?", "Yes, it is.", "Would you take less?", "Deal."]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--buyers", type=int, default=2000)
    parser.add_argument("--heavy-conversations", type=int, default=300)
    parser.add_argument("--long-messages", type=int, default=10_000)
    parser.add_argument("--tail-conversations", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    corpus = texts()
    started = time.monotonic()
    password = make_password(PASSWORD)
    category = Category.objects.get(slug="furniture")
    now = timezone.now()

    with transaction.atomic():
        seller = User.objects.create(
            email="bench-seller@bench.invalid", display_name="Heavy Seller", password=password
        )
        buyers = User.objects.bulk_create(
            [
                User(email=f"bench-buyer-{n}@bench.invalid", display_name=f"Buyer {n}", password=password)
                for n in range(args.buyers)
            ],
            batch_size=BATCH,
        )
        print(f"users: {len(buyers) + 1}")

        def new_ad(owner, n):
            return Ad(
                owner=owner,
                category=category,
                title=f"Bench item {n}",
                price=rng.randint(5, 900),
                city="Oakland",
            )

        pairs = [(seller, buyers[n % len(buyers)]) for n in range(args.heavy_conversations)]
        for _ in range(args.tail_conversations):
            owner, buyer = rng.sample(buyers, 2)
            pairs.append((owner, buyer))
        ads = Ad.objects.bulk_create(
            [new_ad(owner, n) for n, (owner, _) in enumerate(pairs)], batch_size=BATCH
        )
        conversations = Conversation.objects.bulk_create(
            [
                Conversation(
                    public_id=new_public_id(),
                    ad=ad,
                    buyer=buyer,
                    seller=owner,
                    ad_entity_type="furniture",
                    ad_public_id=ad.public_id,
                    ad_title=ad.title,
                    ad_price=ad.price,
                    ad_link=ad.get_absolute_url(),
                    created_at=now - timedelta(days=30),
                )
                for ad, (owner, buyer) in zip(ads, pairs, strict=True)
            ],
            batch_size=BATCH,
        )
        ConversationParticipant.objects.bulk_create(
            [
                row
                for conversation in conversations
                for row in (
                    ConversationParticipant(conversation=conversation, user=conversation.buyer, role="buyer"),
                    ConversationParticipant(
                        conversation=conversation, user=conversation.seller, role="seller"
                    ),
                )
            ],
            batch_size=BATCH,
        )
        print(f"conversations: {len(conversations)}")

        total = 0
        pending = []
        for index, conversation in enumerate(conversations):
            count = args.long_messages if index == 0 else rng.randint(2, 12)
            start = now - timedelta(days=30) + timedelta(seconds=rng.randint(0, 29 * 86400))
            for n in range(count):
                sender = conversation.buyer if n % 2 == 0 else conversation.seller
                pending.append(
                    Message(
                        conversation=conversation,
                        sender=sender,
                        body=rng.choice(corpus),
                        created_at=start + timedelta(seconds=30 * n),
                    )
                )
            if len(pending) >= BATCH:
                Message.objects.bulk_create(pending, batch_size=BATCH)
                total += len(pending)
                pending = []
                print(f"messages: {total}", end="\r")
        Message.objects.bulk_create(pending, batch_size=BATCH)
        total += len(pending)
        print(f"messages: {total}")

        # Denormalised pointers, as chat.services keeps them.
        last = Message.objects.values("conversation").annotate(last_id=Max("id"))
        by_conversation = {row["conversation"]: row["last_id"] for row in last}
        messages = Message.objects.in_bulk(list(by_conversation.values()))
        for conversation in conversations:
            message = messages[by_conversation[conversation.pk]]
            conversation.last_message_id = message.id
            conversation.last_message_at = message.created_at
            conversation.updated_at = message.created_at
        Conversation.objects.bulk_update(
            conversations, ["last_message", "last_message_at", "updated_at"], batch_size=BATCH
        )
    print(f"done in {time.monotonic() - started:.1f} s")


if __name__ == "__main__":
    main()
