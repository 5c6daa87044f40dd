#!/usr/bin/env python
"""Two-sided load check of the unread counters: do they stay equal to COUNT(*) while one side writes and
the other polls?

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/marketplace_bench_smoke bench/unread-check --duration 30

Creates its own users and --conversations conversations (removed afterwards). In each, one side sends a
message every few milliseconds (each send's transaction stays open --commit-delay-ms after its writes, as
a commit to a production database does) and the other side's "poll" marks read up to the newest message
it can see every fraction of a second (a counter it gets wrong stays wrong until its next read), all
through the chat services in real threads and transactions. Every second one SQL statement compares, in a
single snapshot, every participant's ``unread_count`` with the number of the other side's messages after
their read pointer (COUNT(*)). Prints the snapshots taken and the wrong ones; exits 1 if any counter was
ever wrong. Needs PostgreSQL (row locks and real concurrency).

Measured (30 s, 4 conversations): before conversation_mark_read locked the participant row, 26 of 30
snapshots had a wrong counter (47 counters, each one too low); with the lock, 0 of 30.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.db import connection, connections, transaction  # noqa: E402

from accounts.models import User  # noqa: E402
from ads.models import Ad, Category  # noqa: E402
from bench.cleanup import delete_conversations  # noqa: E402
from chat import services  # noqa: E402
from chat.models import Conversation, Message  # noqa: E402

PREFIX = "unread-check"
# Longest pause (seconds) between one thread's writes: short, so sends and reads of one row often overlap.
PAUSE_S = 0.01
# Pause (seconds) between one side's reads, like polls: a wrong counter stays wrong until the next one.
READ_PAUSE_S = (0.2, 1.0)
# Every participant of the check's conversations whose counter differs from the real number of unread
# messages (the other side's messages after the read pointer), read in one snapshot.
DRIFT_SQL = """
SELECT p.id, p.unread_count, (
    SELECT count(*) FROM chat_message m
    WHERE m.conversation_id = p.conversation_id AND m.sender_id <> p.user_id
      AND m.id > coalesce(p.last_read_message_id, 0)
) AS real
FROM chat_conversationparticipant p
WHERE p.conversation_id = ANY(%s)
"""


def set_up(count: int) -> list[Conversation]:
    category, _ = Category.objects.get_or_create(slug="unread-check", defaults={"name": "Unread check"})
    conversations = []
    for n in range(count):
        seller = User.objects.create_user(
            email=f"{PREFIX}-seller-{n}-{time.time_ns()}@example.invalid", password=None
        )
        buyer = User.objects.create_user(
            email=f"{PREFIX}-buyer-{n}-{time.time_ns()}@example.invalid", password=None
        )
        ad = Ad.objects.create(owner=seller, category=category, title=f"{PREFIX} {n}", price=10)
        conversation, _ = services.conversation_start(buyer=buyer, ad=ad, body="first")
        conversations.append(conversation)
    return conversations


def tear_down(conversations: list[Conversation]) -> None:
    users = {c.buyer_id for c in conversations} | {c.seller_id for c in conversations}
    delete_conversations([c.pk for c in conversations])
    Ad.objects.filter(owner_id__in=users).delete()
    User.objects.filter(pk__in=users).delete()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--duration", type=int, default=30, help="seconds of load")
    parser.add_argument("--conversations", type=int, default=4)
    parser.add_argument(
        "--commit-delay-ms",
        type=float,
        default=5,
        help="time between a send's last write and its commit (a WAL flush and a network round trip to a "
        "production database take a few ms; loopback to a local server takes almost none)",
    )
    args = parser.parse_args()
    commit_delay_s = args.commit_delay_ms / 1000
    if connection.vendor != "postgresql":
        sys.exit("unread-check needs PostgreSQL (DATABASE_URL=postgres://…)")

    conversations = set_up(args.conversations)
    stop = threading.Event()
    errors: list[BaseException] = []
    counts = {"sent": 0, "reads": 0}
    lock = threading.Lock()

    def sender(conversation: Conversation, user_id: int) -> None:
        user = User.objects.get(pk=user_id)
        try:
            while not stop.is_set():
                with transaction.atomic():
                    body = f"{PREFIX} {time.time_ns()}"
                    services.message_send(conversation=conversation, sender=user, body=body)
                    # The send's row locks are held until its commit is durable and acknowledged.
                    time.sleep(commit_delay_s)
                with lock:
                    counts["sent"] += 1
                time.sleep(random.uniform(0, PAUSE_S))
        except BaseException as error:  # noqa: BLE001 - reported at the end
            errors.append(error)
        finally:
            connections.close_all()

    def reader(conversation: Conversation, user_id: int) -> None:
        user = User.objects.get(pk=user_id)
        try:
            while not stop.is_set():
                # What a delivering poll does: mark read up to the newest message it showed.
                newest = (
                    Message.objects.filter(conversation=conversation)
                    .order_by("-id")
                    .values_list("id", flat=True)
                )
                up_to = newest.first()
                if up_to and services.conversation_mark_read(
                    conversation=conversation, user=user, up_to_message_id=up_to
                ):
                    with lock:
                        counts["reads"] += 1
                time.sleep(random.uniform(*READ_PAUSE_S))
        except BaseException as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connections.close_all()

    threads = []
    for n, conversation in enumerate(conversations):
        # One side writes while the other polls (a sender's own send resets its own counter, which would
        # hide the other side's drift); buyers write in half of the conversations, sellers in the rest.
        writer, poller = (conversation.buyer_id, conversation.seller_id)[:: 1 if n % 2 else -1]
        threads += [
            threading.Thread(target=sender, args=(conversation, writer)),
            threading.Thread(target=reader, args=(conversation, poller)),
        ]
    for thread in threads:
        thread.start()

    ids = [c.pk for c in conversations]
    snapshots = wrong_snapshots = wrong_counters = 0
    worst = 0
    deadline = time.monotonic() + args.duration
    try:
        while True:
            time.sleep(1)
            finished = time.monotonic() >= deadline
            if finished:
                stop.set()
                for thread in threads:
                    thread.join()
            with connection.cursor() as cursor:
                cursor.execute(DRIFT_SQL, [ids])
                drift = [(counter, real) for _id, counter, real in cursor.fetchall() if counter != real]
            snapshots += 1
            if drift:
                wrong_snapshots += 1
                wrong_counters += len(drift)
                worst = max(worst, *(abs(counter - real) for counter, real in drift))
            if finished:
                final_drift = len(drift)
                break
    finally:
        stop.set()
        for thread in threads:
            thread.join()
        tear_down(conversations)

    print(
        f"unread-check: {args.duration} s, {len(conversations)} conversations, {counts['sent']} sends, "
        f"{counts['reads']} reads that moved a pointer; {snapshots} snapshots, "
        f"{wrong_snapshots} with a wrong "
        f"counter ({wrong_counters} counters, off by up to {worst}); after the load: {final_drift} wrong; "
        f"{len(errors)} errors"
    )
    for error in errors[:5]:
        print(f"  error: {error!r}")
    sys.exit(1 if wrong_snapshots or errors or not counts["sent"] else 0)


if __name__ == "__main__":
    main()
