#!/usr/bin/env python
"""Profile one hot endpoint in-process (Django test client, production settings) with cProfile.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_large \\
        .venv/bin/python bench/profile_endpoint.py list --requests 200 --sort tottime

Endpoints (as in bench/run, as the heavy seller of bench/generate): floor, poll, listpoll, deliver, list,
conv. Prints the mean wall time per request without the profiler, then the top functions by the sort key.
Needs ``manage.py collectstatic`` once (manifest static files with DEBUG off).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
os.environ["DJANGO_DEBUG"] = "false"
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz-01234")
os.environ.setdefault("CACHE_URL", "redis://127.0.0.1:6379/3")
os.environ.setdefault("DJANGO_CONN_MAX_AGE", "600")

import django  # noqa: E402

django.setup()

from django.test import Client  # noqa: E402

from accounts.models import User  # noqa: E402
from chat.delivery import tokens as poll_tokens  # noqa: E402
from chat.models import Conversation  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("endpoint", choices=["floor", "poll", "listpoll", "deliver", "list", "conv"])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--sort", default="cumulative", help="pstats sort key, e.g. cumulative or tottime")
    parser.add_argument("--top", type=int, default=45)
    args = parser.parse_args()

    seller = User.objects.get(email="bench-seller@bench.invalid")
    conversation = Conversation.objects.filter(seller=seller).order_by("id").first()
    client = Client()
    client.force_login(seller)
    key = poll_tokens.user_poll_key(seller.pk)
    poll_url = f"/chat/{conversation.public_id}/poll/"
    htmx = {"HX-Request": "true"}
    last = conversation.last_message_id
    conversation_token = poll_tokens.read(poll_tokens.conversation_key(conversation.public_id, seller.pk))
    list_token = poll_tokens.read(poll_tokens.list_key(seller.pk))
    requests = {
        "floor": lambda: client.get("/healthz"),
        "poll": lambda: client.get(
            poll_url, {"token": conversation_token, "user_key": key, "after": last}, headers=htmx
        ),
        "listpoll": lambda: client.get("/chat/poll/", {"token": list_token, "user_key": key}, headers=htmx),
        "deliver": lambda: client.get(
            poll_url, {"token": "stale", "user_key": key, "after": last - 1}, headers=htmx
        ),
        "list": lambda: client.get("/chat/"),
        "conv": lambda: client.get(conversation.get_absolute_url()),
    }
    request = requests[args.endpoint]
    response = request()
    print(f"status {response.status_code}, {len(response.content)} bytes")
    for _ in range(20):
        request()
    started = time.perf_counter()
    for _ in range(args.requests):
        request()
    print(f"{args.endpoint}: {(time.perf_counter() - started) / args.requests * 1000:.2f} ms/request")
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(args.requests):
        request()
    profiler.disable()
    pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.top)


if __name__ == "__main__":
    main()
