#!/usr/bin/env python
"""Delivery latency through Pushpin with many idle subscribers, against polling only.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/marketplace_bench_smoke bench/live-latency \
        --subscribers 2000 --sends 200            # the issue's figure; --smoke: 50 subscribers, 10 sends

Starts gunicorn (DEBUG off, as bench/run does) and Pushpin in front of it (``manage.py run_pushpin``),
opens --subscribers event streams through Pushpin (one per user, each with its own session; they stay
idle), then one seller sends --sends messages to one buyer, one at a time through Pushpin like a browser
(htmx send). For each it records, from the moment the send's response arrived: the buyer's stream event
(``event``), and the buyer's poll that the event triggers completing with the message (``poll``). A
negative ``event`` figure means the event reached the buyer before the seller's own answer. Also
reports Pushpin's memory per held stream (RSS of its processes before and after the streams opened)
and the nothing-new poll's throughput through Pushpin while the streams are held (wrk, 5 s). Polling
only: a message waits for the next poll of a 30 s interval, uniform between 0 and 30 s, plus the poll
itself: computed from the interval and the measured poll time, not waited for.

Own users and conversation (prefix ``live-bench``, removed afterwards); needs PostgreSQL, Redis, pushpin,
wrk. Results: bench/results/live-latency[-smoke].json and .md."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.server_environment import configure  # noqa: E402

configure()
PUBLISH_PORT = 15561
os.environ["MARKETPLACE_PUSH_URL"] = f"http://127.0.0.1:{PUBLISH_PORT}"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.contrib.sessions.models import Session  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from ads.models import Ad, Category  # noqa: E402
from bench.cleanup import delete_conversations  # noqa: E402
from bench.wrk import wait_until_answering  # noqa: E402
from chat import services  # noqa: E402
from chat.models import Conversation  # noqa: E402

PREFIX = "live-bench"
RESULTS = ROOT / "bench" / "results"
POLL_INTERVAL_S = 30
SESSION_KEYS: list[str] = []


def session_cookie(user: User) -> str:
    """Log *user* in without the form (thousands of them): a session row as django.contrib.auth writes."""
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    SESSION_KEYS.append(session.session_key)
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def set_up(subscribers: int):
    category, _ = Category.objects.get_or_create(slug=PREFIX, defaults={"name": "Live bench"})
    stamp, now = time.time_ns(), timezone.now()  # verified: users[0] writes to the seller
    emails = [f"{PREFIX}-{n}-{stamp}@example.invalid" for n in range(subscribers)]
    users = User.objects.bulk_create(
        [User(email=email, display_name=f"Idle {n}", email_verified_at=now) for n, email in enumerate(emails)]
    )
    seller = User.objects.create_user(email=f"{PREFIX}-seller-{stamp}@example.invalid", password=None)
    buyer = users[0]
    ad = Ad.objects.create(owner=seller, category=category, title=f"{PREFIX} sofa", price=100)
    conversation, _ = services.conversation_start(buyer=buyer, ad=ad, body="Is it available?")
    return users, seller, conversation


def tear_down() -> None:
    """Remove the run's conversation, messages, ad, users and sessions."""
    delete_conversations(
        list(Conversation.objects.filter(ad__title__startswith=PREFIX).values_list("pk", flat=True))
    )
    Ad.objects.filter(title__startswith=PREFIX).delete()
    Session.objects.filter(session_key__in=SESSION_KEYS).delete()
    User.objects.filter(email__startswith=PREFIX).delete()


def rss_kb(marker: str) -> int:
    """Sum the resident memory (kB) of processes whose command line contains *marker* (Pushpin's dir)."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if marker not in (entry / "cmdline").read_bytes().decode(errors="replace"):
                continue
            status = (entry / "status").read_text()
        except OSError:
            continue
        found = re.search(r"VmRSS:\s+(\d+) kB", status)
        total += int(found.group(1)) if found else 0
    return total


async def open_stream(port: int, cookie: str):
    """Open an event stream through Pushpin; return (reader, writer) once its "ready" event arrived."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(
        f"GET /chat/stream/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nCookie: {cookie}\r\n"
        "Accept: text/event-stream\r\n\r\n".encode()
    )
    await writer.drain()
    buffer = b""
    while b"event: ready" not in buffer:
        chunk = await asyncio.wait_for(reader.read(4096), timeout=30)
        if not chunk:
            raise RuntimeError("stream closed before it was ready: " + buffer.decode(errors="replace")[:300])
        buffer += chunk
    return reader, writer


class Browser:
    """Requests with a session cookie, keeping the cookies the site sets (csrftoken) like a browser."""

    def __init__(self, cookie: str):
        self.cookies = dict(part.split("=", 1) for part in cookie.split("; "))

    def open(self, request):
        if isinstance(request, str):
            request = urllib.request.Request(request)
        request.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        response = urllib.request.urlopen(request)
        for header in response.headers.get_all("Set-Cookie") or []:
            name, value = header.split(";", 1)[0].split("=", 1)
            self.cookies[name] = value
        return response


# What the open conversation's poll sends (the page's poller and its hidden inputs).
POLL_PARAMS = ("token", "user_key", "read_up_to", "delivered_up_to", "after", "change_seq")


def page_state(html: str) -> dict:
    """The poll's parameters (token, user_key, the receipt pointers read_up_to and delivered_up_to, cursor,
    change seq) and the CSRF token as a conversation page, or the out-of-band part of a delivering poll,
    shows them."""
    state = {}
    vals = re.search(r"id=\"conversation-poller\"[^>]*hx-vals='([^']+)'", html, re.S)
    if vals:
        state.update(json.loads(vals.group(1)))
    for name, pattern in (
        ("after", r'id="message-cursor" value="(\d+)"'),
        ("change_seq", r'id="message-change-seq" value="(\d*)"'),
        ("read_up_to", r'id="receipt-read-up-to" value="(\d*)"'),
        ("delivered_up_to", r'id="receipt-delivered-up-to" value="(\d*)"'),
        ("csrf", r'"X-CSRFToken": "([^"]+)"'),
    ):
        found = re.search(pattern, html)
        if found:
            state[name] = found.group(1)
    return state


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)  # nearest rank
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


async def measure(args, port: int, cookies: list[str], seller_cookie: str, conversation, marker: str) -> dict:
    """Open the streams, run the sends and polls, and return the report (see the module docstring).
    *cookies* are the subscribers' session cookies (the first is the buyer's)."""
    base = f"http://127.0.0.1:{port}"
    memory_before = rss_kb(marker)
    opened = time.monotonic()
    streams = []
    for start in range(0, len(cookies), args.batch):  # see --batch
        streams += await asyncio.gather(
            *(open_stream(port, cookie) for cookie in cookies[start : start + args.batch])
        )
    open_s = time.monotonic() - opened
    await asyncio.sleep(1)
    memory_after = rss_kb(marker)
    buyer_reader = streams[0][0]
    events: asyncio.Queue = asyncio.Queue()

    async def read_buyer_events():
        buffer = b""
        while True:
            chunk = await buyer_reader.read(4096)
            if not chunk:
                return
            buffer += chunk
            while b"\n\n" in buffer:
                block, buffer = buffer.split(b"\n\n", 1)
                if f"event: conversation-{conversation.public_id}".encode() in block:
                    events.put_nowait(time.monotonic())

    reader_task = asyncio.create_task(read_buyer_events())
    seller_opener = Browser(seller_cookie)
    buyer_opener = Browser(cookies[0])
    url = conversation.get_absolute_url()
    seller_state = page_state(seller_opener.open(base + url).read().decode())
    buyer_state = page_state(buyer_opener.open(base + url).read().decode())
    loop = asyncio.get_running_loop()
    event_ms, poll_ms, poll_only_ms = [], [], []
    for n in range(args.sends):
        while not events.empty():
            events.get_nowait()
        body = urllib.parse.urlencode(
            {"body": f"{PREFIX} {n}", "after": seller_state["after"], "idempotency_key": os.urandom(8).hex()}
        ).encode()
        request = urllib.request.Request(
            base + url + "send/",
            data=body,
            headers={"X-CSRFToken": seller_state["csrf"], "HX-Request": "true", "Referer": base + url},
        )
        sent = await loop.run_in_executor(None, lambda request=request: seller_opener.open(request).read())
        answered = time.monotonic()
        seller_state["after"] = re.search(rb'id="message-cursor" value="(\d+)"', sent).group(1).decode()
        arrived = await asyncio.wait_for(events.get(), timeout=10)
        query = urllib.parse.urlencode({k: buyer_state[k] for k in POLL_PARAMS} | {"earliest": 0})
        poll_started = time.monotonic()
        poll = urllib.request.Request(base + url + "poll/?" + query, headers={"HX-Request": "true"})
        answer = await loop.run_in_executor(None, lambda poll=poll: buyer_opener.open(poll).read())
        done = time.monotonic()
        if f"{PREFIX} {n}".encode() not in answer:
            raise RuntimeError(f"the poll after event {n} did not bring the message")
        buyer_state.update(page_state(answer.decode()))
        event_ms.append((arrived - answered) * 1000)
        poll_ms.append((done - answered) * 1000)
        poll_only_ms.append((done - poll_started) * 1000)
        await asyncio.sleep(args.pause_ms / 1000)
    reader_task.cancel()
    poll_url = (
        base
        + url
        + "poll/?"
        + urllib.parse.urlencode({k: buyer_state[k] for k in POLL_PARAMS} | {"earliest": 0})
    )
    throughput = floor = None
    if shutil.which("wrk"):
        throughput = nothing_new_throughput(poll_url)
        # The floor through the same Pushpin: the cheapest Django view (bench/run's floor).
        floor = nothing_new_throughput(base + "/healthz")
        throughput["x_floor"] = round(throughput["rps"] / floor["rps"], 3)
    for _reader, writer in streams:
        writer.close()
    poll_time = statistics.median(poll_only_ms)
    return {
        "subscribers": len(streams),
        "sends": args.sends,
        "streams_opened_s": round(open_s, 2),
        "pushpin_rss_kb_before": memory_before,
        "pushpin_rss_kb_after": memory_after,
        "pushpin_kb_per_stream": round((memory_after - memory_before) / max(1, len(streams)), 2),
        "push_event_ms": {
            "p50": round(percentile(event_ms, 0.5), 1),
            "p99": round(percentile(event_ms, 0.99), 1),
        },
        "push_poll_done_ms": {
            "p50": round(percentile(poll_ms, 0.5), 1),
            "p99": round(percentile(poll_ms, 0.99), 1),
        },
        "polling_only_ms_computed": {
            "p50": round(POLL_INTERVAL_S * 1000 * 0.5 + poll_time, 1),
            "p99": round(POLL_INTERVAL_S * 1000 * 0.99 + poll_time, 1),
        },
        "nothing_new_poll_through_pushpin": throughput,
        "floor_through_pushpin": floor,
    }


def nothing_new_throughput(url: str) -> dict:
    output = subprocess.run(
        ["wrk", "-t2", "-c32", "-d5s", "--latency", url], capture_output=True, text=True, check=True
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", output)
    scale = {"us": 0.001, "ms": 1, "s": 1000}[p99.group(2)] if p99 else 0
    return {"rps": rps, "p99_ms": round(float(p99.group(1)) * scale, 2) if p99 else None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscribers", type=int, default=2000)
    parser.add_argument("--sends", type=int, default=200)
    parser.add_argument("--pause-ms", type=int, default=50, help="between one send's poll and the next send")
    parser.add_argument("--workers", type=int, default=4)
    # Streams opened at the same instant: bursts of more than ~160 left some unanswered for 30 s here.
    parser.add_argument("--batch", type=int, default=50, help="streams opened at once")
    parser.add_argument("--smoke", action="store_true", help="50 subscribers, 10 sends (CI)")
    args = parser.parse_args()
    if args.smoke:
        args.subscribers, args.sends = 50, 10
    if not (shutil.which("pushpin") and shutil.which("zurl")):
        sys.exit("pushpin is not installed (apt-get install pushpin)")
    # Manifest static files, as production serves them with DEBUG off.
    subprocess.run([sys.executable, str(ROOT / "manage.py"), "collectstatic", "--noinput", "-v0"], check=True)
    backend_port, port = 18765, 17999
    directory = tempfile.mkdtemp(prefix="live-bench-pushpin-")
    gunicorn = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "marketplace.wsgi",
            "--bind",
            f"127.0.0.1:{backend_port}",
            "--workers",
            str(args.workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=os.environ.copy(),
    )
    pushpin = subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "manage.py"),
            "run_pushpin",
            "--backend",
            f"127.0.0.1:{backend_port}",
            "--port",
            str(port),
            "--dir",
            directory,
        ],
        cwd=ROOT,
        env=os.environ.copy(),
        stdout=subprocess.DEVNULL,
    )
    try:
        wait_until_answering(f"http://127.0.0.1:{port}/healthz", seconds=15)
        # After Pushpin is up: the set-up's own events then have somewhere to go.
        users, seller, conversation = set_up(args.subscribers)
        cookies = [session_cookie(user) for user in users]
        report = asyncio.run(measure(args, port, cookies, session_cookie(seller), conversation, directory))
    finally:
        for process in (pushpin, gunicorn):
            process.send_signal(signal.SIGTERM)
        for process in (pushpin, gunicorn):
            process.wait(timeout=30)
        tear_down()
    name = "live-latency-smoke" if args.smoke else "live-latency"
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(report, indent=2))
    table = render(report)
    (RESULTS / f"{name}.md").write_text(table)
    print(table)


def render(report: dict) -> str:
    nothing_new = report["nothing_new_poll_through_pushpin"]
    rows = [
        f"{report['subscribers']} idle streams through Pushpin (opened in {report['streams_opened_s']} s), "
        f"{report['sends']} sends; Pushpin RSS {report['pushpin_rss_kb_before']} → "
        f"{report['pushpin_rss_kb_after']} kB = {report['pushpin_kb_per_stream']} kB per held stream",
        "\n| from the send's response to … | p50 ms | p99 ms |\n|---|---|---|",
        f"| the recipient's stream event (push) | {report['push_event_ms']['p50']} | "
        f"{report['push_event_ms']['p99']} |",
        f"| the recipient's poll done, message on the page (push) | {report['push_poll_done_ms']['p50']} | "
        f"{report['push_poll_done_ms']['p99']} |",
        f"| the message on the page, polling only every {POLL_INTERVAL_S} s (computed) | "
        f"{report['polling_only_ms_computed']['p50']} | {report['polling_only_ms_computed']['p99']} |",
        "\n"
        f"Nothing-new poll through Pushpin while the streams are held: {nothing_new['rps']} req/s = "
        f"{nothing_new['x_floor']} × the floor (/healthz through the same Pushpin: "
        f"{report['floor_through_pushpin']['rps']} req/s); p99 {nothing_new['p99_ms']} ms "
        "(wrk, 32 connections, 5 s)"
        if nothing_new
        else "wrk not installed",
        "",
    ]
    return "\n".join(rows)


if __name__ == "__main__":
    main()
