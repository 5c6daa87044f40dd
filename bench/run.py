#!/usr/bin/env python
"""Load-test the chat's hot paths under gunicorn exactly as production runs, and compare them to the floor.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_small bench/run --label small

Starts gunicorn (DEBUG off, settings from the environment, persistent database connections, Redis cache from
CACHE_URL, default redis://127.0.0.1:6379/3), logs in the benchmark users over HTTP, then drives each endpoint
with wrk on loopback (--connections, --duration) and records requests/s, p50, p99, errors and SQL
queries per request (counted separately in-process with Django's test client, same settings). Endpoints:
the floor (a bare Django view, /healthz), the nothing-new polls of the list and of the open 10k-message
conversation, a poll that delivers one new message, the heavy seller's list page, the ad list filtered
two ways over the 100,000-ad catalogue (bench/ad_list.py), the 10k-message conversation page, and sending
a message (afterwards the database count of the sent messages is checked against the 2xx responses). Writes
bench/results/<label>.json, bench/results/<label>.md and bench/results/<label>-plans.txt (EXPLAIN of the hot
queries), and prints the table with each endpoint's throughput as a ratio of the floor's, the floor being
measured again after every endpoint and each endpoint compared with the mean of the two around it.
Data comes from bench/generate. Needs wrk (Debian package) on PATH.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.server_environment import configure  # noqa: E402

configure()

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client, RequestFactory  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts import services as account_services  # noqa: E402
from accounts.models import User  # noqa: E402
from bench import ad_list, send_replay  # noqa: E402
from bench.plans import explain_plans  # noqa: E402
from bench.wrk import wait_until_answering, wrk  # noqa: E402
from chat.delivery import gate as poll_gate  # noqa: E402
from chat.delivery import tokens as poll_tokens  # noqa: E402
from chat.models import Conversation, Message  # noqa: E402

RESULTS = ROOT / "bench" / "results"
PASSWORD = "bench-password"


def log_in(base: str, email: str) -> tuple[str, str]:
    """Log in through the real login form; return (Cookie header, CSRF token)."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/accounts/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode(
        {"username": email, "password": PASSWORD, "csrfmiddlewaretoken": token}
    ).encode()
    request = urllib.request.Request(f"{base}/accounts/login/", data=data, headers={"Referer": f"{base}/"})
    opener.open(request).read()
    cookies = {cookie.name: cookie.value for cookie in jar}
    if "sessionid" not in cookies:
        sys.exit(f"Could not log in as {email}.")
    return "; ".join(f"{k}={v}" for k, v in cookies.items()), cookies.get("csrftoken", "")


def measure_sends(base: str, *, conversations: list, prefix: str, **wrk_args) -> dict:
    """Drive sends of ``<prefix> <n>`` into *conversations* with wrk, then count what the database stored:
    ``stored`` messages and ``duplicates`` (the same text stored twice). Earlier runs' messages with this
    prefix are renamed first so only this run's are counted."""
    ids = [conversation.pk for conversation in conversations]
    earlier = Message.objects.filter(conversation_id__in=ids, body__startswith=f"{prefix} ")
    earlier.update(body=f"earlier {prefix}")
    result = wrk(base, method="POST", body=f"body={prefix}+{{n}}&after={{after}}", **wrk_args)
    time.sleep(1)  # let requests in flight when wrk stopped finish
    sent = Message.objects.filter(conversation_id__in=ids, body__startswith=f"{prefix} ")
    result["stored"] = sent.count()
    result["duplicates"] = result["stored"] - sent.values("body").distinct().count()
    return result


def queries_per_request(client: Client, method: str, path: str, **kwargs) -> int:
    getattr(client, method)(path, **kwargs)  # warm caches
    with CaptureQueriesContext(connection) as captured:
        getattr(client, method)(path, **kwargs)
    return len(captured.captured_queries)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--label", help="name of the result files, e.g. small or large (smoke: smoke)")
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="CI check: 2 s per endpoint, 4 connections; exit 1 on any error or a failed send check",
    )
    parser.add_argument("--duration", type=int, default=10, help="seconds per endpoint")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=int(os.environ.get("GUNICORN_WORKERS", "4")))
    parser.add_argument("--worker-class", default=os.environ.get("GUNICORN_WORKER_CLASS", "sync"))
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    if args.smoke:
        args.label = args.label or "smoke"
        args.duration, args.connections, args.workers = 2, 4, 2
    if not args.label:
        parser.error("--label is required (or --smoke)")
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed (apt-get install wrk).")
    if connection.vendor != "postgresql":
        sys.exit("bench/run needs the PostgreSQL database filled by bench/generate (DATABASE_URL).")
    RESULTS.mkdir(exist_ok=True)
    subprocess.run([sys.executable, str(ROOT / "manage.py"), "collectstatic", "--noinput", "-v0"], check=True)
    from django.core.cache import cache

    cache.clear()  # also empties the benchmark's Redis database of old sessions and tokens

    seller = User.objects.get(email="bench-seller@bench.invalid")
    long_conversation = Conversation.objects.filter(seller=seller).order_by("id").first()
    send_conversation = Conversation.objects.filter(seller=seller).order_by("id")[1]
    base = f"http://127.0.0.1:{args.port}"
    gunicorn = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "marketplace.wsgi",
            "--bind",
            f"127.0.0.1:{args.port}",
            "--workers",
            str(args.workers),
            "--worker-class",
            args.worker_class,
            "--threads",
            "1",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=os.environ.copy(),
    )
    try:
        wait_until_answering(f"{base}/healthz")
        cookie, csrf = log_in(base, seller.email)
        token = poll_tokens.read(poll_tokens.conversation_key(long_conversation.public_id, seller.pk))
        list_token = poll_tokens.read(poll_tokens.list_key(seller.pk))
        key = urllib.parse.quote(poll_tokens.user_poll_key(seller.pk))
        last_id = long_conversation.last_message_id
        _device, api_token = account_services.api_token_create(user=seller, device="bench")
        common = {"connections": args.connections, "duration": args.duration, "threads": args.threads}
        auth = {"cookie": cookie, "htmx": "true"}
        poll = f"/chat/{long_conversation.public_id}/poll/"
        api_path = f"/api/v1/conversations/{long_conversation.public_id}/changes/?after={last_id}"
        api_changes = {"path": api_path, "authorization": f"Token {api_token}"}
        api_changes["if_none_match"] = poll_gate.etag(seller.pk, token, RequestFactory().get(api_path).GET)
        endpoints = [
            ("floor: bare Django view", {"path": "/healthz"}),
            ("nothing-new poll, list", {"path": f"/chat/poll/?token={list_token}&user_key={key}", **auth}),
            (
                "nothing-new poll, open conversation",
                {"path": f"{poll}?token={token}&user_key={key}&after={last_id}", **auth},
            ),
            (
                "poll delivering one new message",
                {"path": f"{poll}?token=stale&user_key={key}&after={last_id - 1}", **auth},
            ),
            ("API changes, nothing new (304 to If-None-Match)", api_changes),
            ("conversation list page, heavy seller", {"path": "/chat/", "cookie": cookie}),
            # The ad list over the catalogue (bench/generate: 100,000 ads at small and large scale).
            ("ad list, words + filters, best match", {"path": f"/?{ad_list.AD_SEARCH}"}),
            ("ad list, filters only, price ascending", {"path": f"/?{ad_list.AD_FILTERS}"}),
            (
                "conversation page, 10k messages",
                {"path": f"/chat/{long_conversation.public_id}/", "cookie": cookie},
            ),
        ]
        client = Client()
        client.force_login(seller)
        rows = []
        # The floor is measured again after every endpoint: a shared 2-core machine drifts by ±30 %
        # within one run, so each endpoint is compared with the floor measured right around it.
        floors = []

        def measure_floor() -> None:
            floors.append(wrk(base, **common, path="/healthz")["rps"])

        for name, spec in endpoints:
            result = wrk(base, **common, **spec)
            if name.startswith("floor"):
                result["queries"] = 0
            else:
                headers = {"HX-Request": "true"} if spec.get("htmx") else {}
                if spec.get("if_none_match"):
                    headers = {"If-None-Match": spec["if_none_match"], "Authorization": spec["authorization"]}
                result["queries"] = queries_per_request(client, "get", spec["path"], headers=headers)
            rows.append({"endpoint": name, **result, "floor_index": len(floors)})
            print(f"{name}: {result}", flush=True)
            measure_floor()

        sender = {"cookie": cookie, "csrf": csrf, "referer": f"{base}/", "htmx": "true", **common}
        send = measure_sends(
            base,
            conversations=[send_conversation],
            prefix="bench",
            path=f"/chat/{send_conversation.public_id}/send/",
            after=send_conversation.last_message_id,
            **sender,
        )
        send["queries"] = queries_per_request(
            client,
            "post",
            f"/chat/{send_conversation.public_id}/send/",
            data={"body": "bench query count", "after": 2**62},
            headers={"HX-Request": "true"},
        )
        rows.append(
            {
                "endpoint": "send a message (32 connections, one conversation)",
                **send,
                "floor_index": len(floors),
            }
        )
        measure_floor()
        print(f"send a message: {send}", flush=True)

        # The usual case: sends spread over many conversations (one conversation's sends queue on its row
        # lock by design, so the row above is the worst case, not the typical one).
        spread = list(Conversation.objects.filter(seller=seller).order_by("id")[2:])
        spread_send = measure_sends(
            base,
            conversations=spread,
            prefix="spread",
            path="/",
            targets=" ".join(f"/chat/{c.public_id}/send/|{c.last_message_id}" for c in spread),
            **sender,
        )
        spread_send["queries"] = send["queries"]
        rows.append(
            {
                "endpoint": f"send a message (spread over {len(spread)} conversations)",
                **spread_send,
                "floor_index": len(floors),
            }
        )
        measure_floor()
        print(f"send, spread: {spread_send}", flush=True)
    finally:
        gunicorn.send_signal(signal.SIGTERM)
        gunicorn.wait(timeout=30)
    messages = Message.objects.count()  # before the replay adds its own
    replays = replay_sends(args, seller=seller, one=send_conversation, spread=spread)

    # Each endpoint's floor: the mean of the floor measured just before it and just after it (the first
    # endpoint is the floor itself: its ratio is 1 by definition, its req/s the first floor run).
    for row in rows:
        index = row.pop("floor_index")
        around = [floors[index - 1]] if index > 0 else [row["rps"]]
        if index < len(floors):
            around.append(floors[index])
        row["floor_rps"] = round(sum(around) / len(around), 1)
        row["ratio_to_floor"] = round(row["rps"] / row["floor_rps"], 3) if row["floor_rps"] else None
    report = {
        "label": args.label,
        "messages": messages,
        "conversations": Conversation.objects.count(),
        "connections": args.connections,
        "duration_s": args.duration,
        "gunicorn": f"{args.workers} × {args.worker_class}",
        "rows": rows,
        "send_replay": replays,
    }
    lines = [
        f"### {args.label}: {report['messages']:,} messages, {report['conversations']:,} conversations; "
        f"{args.connections} connections, {args.duration} s per endpoint, gunicorn {report['gunicorn']}",
        "",
        "| endpoint | req/s | floor around it | × floor | p50 ms | p99 ms | errors | SQL queries |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        lines.append(
            f"| {row['endpoint']} | {row['rps']} | {row['floor_rps']} | {row['ratio_to_floor']} "
            f"| {row['p50_ms']} | {row['p99_ms']} | {row['errors']} | {row['queries']} |"
        )
    lines.append("")
    for send in rows[-2:]:
        lines.append(
            f"Send check ({send['endpoint']}): {send['ok']} accepted sends (2xx, not refused) counted by "
            f"wrk, {send['stored']} messages stored, {send['duplicates']} duplicates (stored − accepted = "
            "requests still in flight when wrk stopped)."
        )
    for send, replayed in zip(rows[-2:], replays, strict=True):
        share = round(send["rps"] / replayed["tps"], 3) if replayed["tps"] else None
        lines.append(
            f"pgbench replay of the send transaction ({replayed['target']}): {replayed['tps']} tps, "
            f"{replayed['failed']} failed; the site's sends reach {share} of it."
        )
    markdown = "\n".join(lines) + "\n"
    (RESULTS / f"{args.label}.json").write_text(json.dumps(report, indent=2))
    (RESULTS / f"{args.label}.md").write_text(markdown)
    (RESULTS / f"{args.label}-plans.txt").write_text(explain_plans())
    print(markdown)
    print(f"written {RESULTS / (args.label + '.json')}, .md and -plans.txt")
    if args.smoke:
        sys.exit(smoke_failures(rows, connections=args.connections, replays=replays))


def replay_sends(args, *, seller: User, one: Conversation, spread: list[Conversation]) -> list[dict]:
    """``bench.send_replay`` with the sends' connections and seconds, on the one conversation and over
    the spread ones (their ids are consecutive in bench/generate's data). Returns one dict per target
    (``target`` and the replay's figures)."""
    ids = sorted(conversation.pk for conversation in spread)
    if ids != list(range(ids[0], ids[-1] + 1)):
        sys.exit("bench/run: the spread conversations' ids are not consecutive (not bench/generate data?)")
    url = os.environ["DATABASE_URL"]
    common = {"seller_id": seller.pk, "clients": args.connections, "seconds": args.duration}
    out = []
    targets = (("one conversation", one.pk, one.pk), (f"{len(ids)} conversations", ids[0], ids[-1]))
    for target, first, last in targets:
        figures = send_replay.replay(url, first_id=first, last_id=last, **common)
        out.append({"target": target, **figures})
        print(f"pgbench replay, {target}: {figures}", flush=True)
    return out


def smoke_failures(rows: list[dict], *, connections: int, replays: list[dict]) -> int:
    """Print and count what makes a smoke run fail: any error or non-2xx answer, an endpoint that
    answered nothing, and a send check where an accepted send is missing, a message is stored twice, or
    more were stored than could have been in flight when wrk stopped (at most one per connection), and a
    pgbench replay (``bench.send_replay``) with a failed transaction or none at all."""
    failures = []
    for row in rows:
        if row["errors"] or not row["requests"]:
            failures.append(f"{row['endpoint']}: {row['errors']} errors in {row['requests']} requests")
        if "304" in row["endpoint"] and row.get("queries"):
            failures.append(f"{row['endpoint']}: {row['queries']} queries (the gate should answer it)")
        if "stored" in row:
            if row["duplicates"]:
                failures.append(f"{row['endpoint']}: {row['duplicates']} messages stored twice")
            if not 0 <= row["stored"] - row["ok"] <= connections:
                failures.append(f"{row['endpoint']}: {row['ok']} accepted but {row['stored']} stored")
    for replayed in replays:
        if replayed["failed"] or not replayed["transactions"]:
            failures.append(f"pgbench replay ({replayed['target']}): {replayed}")
    for failure in failures:
        print(f"SMOKE FAILED: {failure}")
    if not failures:
        print("smoke: 0 errors on every endpoint, send checks hold")
    return 1 if failures else 0


if __name__ == "__main__":
    main()
