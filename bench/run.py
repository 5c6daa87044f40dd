#!/usr/bin/env python
"""Measure the chat's hot paths in-process on data made by bench/generate.py; print a Markdown table.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/marketplace_bench \\
        .venv/bin/python bench/run.py --requests 300

For each endpoint: requests, mean / p50 / p99 latency in ms (Django test client, in-process: no network, no
server; it shows the application's own cost, not a load test) and SQL queries per request. Results are also
written to bench/results/run-<time>.json. The heavy seller is ``bench-seller@bench.invalid``.
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.models import User  # noqa: E402
from chat import selectors  # noqa: E402
from chat.models import Conversation  # noqa: E402

HTMX = {"HX-Request": "true"}


def measure(name, call, requests):
    call()  # warm caches and connections
    timings, queries = [], []
    for _ in range(requests):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = call()
            timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code in (200, 204), (name, response.status_code)
        queries.append(len(captured.captured_queries))
    timings.sort()
    return {
        "endpoint": name,
        "requests": requests,
        "mean_ms": round(statistics.fmean(timings), 2),
        "p50_ms": round(timings[len(timings) // 2], 2),
        "p99_ms": round(timings[min(len(timings) - 1, int(len(timings) * 0.99))], 2),
        "queries": max(queries),
        "status": response.status_code,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    seller = User.objects.get(email="bench-seller@bench.invalid")
    long_conversation = Conversation.objects.filter(seller=seller).order_by("id").first()
    client = Client()
    client.force_login(seller)
    version = selectors.conversation_poll_state(public_id=long_conversation.public_id, user=seller).version
    list_version = selectors.conversation_list_version(user=seller)
    poll_url = f"/chat/{long_conversation.public_id}/poll/"
    results = [
        measure(
            "nothing-new poll, open conversation",
            lambda: client.get(
                poll_url, {"v": version, "after": long_conversation.last_message_id}, headers=HTMX
            ),
            args.requests,
        ),
        measure(
            "nothing-new poll, conversation list",
            lambda: client.get("/chat/poll/", {"v": list_version}, headers=HTMX),
            args.requests,
        ),
        measure(
            f"conversation list page ({Conversation.objects.filter(seller=seller).count()} conversations)",
            lambda: client.get("/chat/"),
            args.requests // 3,
        ),
        measure(
            f"conversation page ({long_conversation.messages.count()} messages)",
            lambda: client.get(long_conversation.get_absolute_url()),
            args.requests // 3,
        ),
    ]
    print(f"database: {connection.vendor}; conversations: {Conversation.objects.count()}")
    print("| endpoint | requests | mean ms | p50 ms | p99 ms | SQL queries | status |")
    print("|---|---|---|---|---|---|---|")
    for row in results:
        print(
            f"| {row['endpoint']} | {row['requests']} | {row['mean_ms']} | {row['p50_ms']} | {row['p99_ms']} "
            f"| {row['queries']} | {row['status']} |"
        )
    out = Path(__file__).resolve().parent / "results"
    out.mkdir(exist_ok=True)
    path = out / f"run-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(results, indent=2))
    print(f"written {path}")


if __name__ == "__main__":
    main()
