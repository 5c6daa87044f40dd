"""Load and probes for the drills (deploy/drills.sh), run inside the stack's network, never from the host:
``docker-compose exec -T web python deploy/load.py MODE [options]``; prints one line of JSON with figures.

Modes:
  send     seller and buyer2 send messages in one conversation through the Pushpin front(s) for --seconds
           (or until --until-file exists in this container, whichever comes first), each send retried with
           its Idempotency-Key (as the composer does) until it is answered 2xx or
           --give-up-s passes; then lists the conversation and counts the accepted messages missing (lost),
           duplicated and the answers by status (5xx other than 503 are errors; 503 is the retry page).
  reads    GETs the ad list (read from the replica when it is usable) for --seconds from --senders
           clients: answers by status, requests per second.
  reconnect  holds --streams streams on the first front, reopens each on the second when it breaks
           (deploy/drills.sh kills the first proxy): how many came back, break to reopen p50/p99.
  lag      for --seconds, every 0.25 s: note the primary's WAL position and time how long the replica
           (--replica-host) takes to replay up to it: the age of what a replica read can miss, max and p99.
  storm    opens --streams event streams at one instant over the fronts: answers by status (502s), time
           to the answer's head p50/p99; with --hold-s prints {"held": N} once all are answered and keeps
           them open that long (deploy/drills.sh measures the proxies' memory meanwhile).
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import re
import socket
import threading
import time
import uuid

import requests

PASSWORD = "marketplace-demo"


def retrying(call, *args, attempts: int = 4):
    """*call*(*args), tried again (up to *attempts* times) when the request fails: the drills' own setup
    must not fail because a container is being killed or the machine is slow."""
    for attempt in range(attempts):
        try:
            return call(*args)
        except (requests.RequestException, KeyError, AttributeError, ValueError):
            if attempt == attempts - 1:
                raise
            time.sleep(2)


def log_in(base: str, email: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base}/accounts/login/", timeout=60)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    session.post(
        f"{base}/accounts/login/",
        data={"username": email, "password": PASSWORD, "csrfmiddlewaretoken": token},
        allow_redirects=False,
        timeout=60,
    ).raise_for_status()
    session.headers["X-CSRFToken"] = session.cookies["csrftoken"]
    # The same browser on either Pushpin front: cookies for every host name of the stack.
    session.cookies = requests.utils.cookiejar_from_dict(session.cookies.get_dict())
    return session


def conversation(base: str, buyer: requests.Session) -> str:
    ads = buyer.get(f"{base}/api/v1/ads/", timeout=60).json()["results"]
    ad = next(a for a in ads if a["seller"]["display_name"] == "Sam Seller" and a["status"] == "active")
    answer = buyer.post(
        f"{base}/api/v1/ads/{ad['public_id']}/conversations/", json={"body": "drill"}, timeout=60
    )
    return answer.json()["conversation"]["public_id"]


def send(args) -> dict:
    fronts = args.front
    buyer = retrying(log_in, fronts[0], "buyer2@example.com")
    seller = retrying(log_in, fronts[0], "seller@example.com")
    public_id = retrying(conversation, fronts[0], buyer)
    print(json.dumps({"sending": True}), flush=True)  # deploy/drills.sh starts its fault after this line
    statuses: collections.Counter = collections.Counter()
    accepted, latencies, lock, samples, gave_up = [], [], threading.Lock(), {}, []
    run = uuid.uuid4().hex[:8]
    stop_at = time.monotonic() + args.seconds

    def running() -> bool:
        return time.monotonic() < stop_at and not (args.until_file and os.path.exists(args.until_file))

    def sender(n: int, session: requests.Session) -> None:
        i = 0
        while running():
            body, key = f"drill {run} {n}-{i}", f"drill-{run}-{n}-{i}"
            first, give_up, attempt = time.monotonic(), time.monotonic() + args.give_up_s, 0
            while time.monotonic() < give_up:
                base = fronts[(n + i + attempt) % len(fronts)]  # a retry goes to the next front
                attempt += 1
                try:
                    answer = session.post(
                        f"{base}/api/v1/conversations/{public_id}/messages/send/",
                        json={"body": body},
                        headers={"Idempotency-Key": key},
                        timeout=10,
                    )
                    status = answer.status_code
                    if status >= 400:
                        samples.setdefault(str(status), answer.text[:160])
                except requests.RequestException as error:
                    status = type(error).__name__
                with lock:
                    statuses[str(status)] += 1
                if status in (200, 201):
                    with lock:
                        accepted.append(body)
                        latencies.append(time.monotonic() - first)
                    break
                if isinstance(status, int) and 400 <= status < 500 and status != 429:
                    break  # refused for good (not a failover figure): counted in answers
                time.sleep(0.2)
            else:
                gave_up.append(body)
            i += 1

    threads = [
        threading.Thread(target=sender, args=(n, seller if n % 2 else buyer)) for n in range(args.senders)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stored = []
    after = 0
    while True:  # the whole conversation, through the API, after the drill
        url = f"{fronts[0]}/api/v1/conversations/{public_id}/changes/?after={after}"
        page = retrying(lambda u: seller.get(u, timeout=60).json(), url)
        stored += [m["body"] for m in page["messages"]]
        if not page["has_more"]:
            break
        after = page["messages"][-1]["id"]
    stored_run = collections.Counter(b for b in stored if b and b.startswith(f"drill {run} "))
    latencies.sort()
    return {
        "accepted": len(accepted),
        "lost": sum(1 for body in accepted if body not in stored_run),
        "duplicated": sum(1 for count in stored_run.values() if count > 1),
        "gave_up": len(gave_up),
        "answers": dict(statuses),
        "errors_5xx_not_503": sum(v for k, v in statuses.items() if k.startswith("5") and k != "503"),
        "accepted_per_s": round(len(accepted) / args.seconds, 1),
        "send_p50_s": quantile(latencies, 0.5),
        "send_p99_s": quantile(latencies, 0.99),
        "send_max_s": quantile(latencies, 1),
        "samples": samples,
    }


def quantile(ordered: list[float], q: float) -> float | None:
    """The *q* quantile (0..1, nearest rank) of the sorted *ordered*, rounded to ms; None when empty."""
    if not ordered:
        return None
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 3)


def reads(args) -> dict:
    """GET the ad list for --seconds from --senders clients over the fronts, --pause-s between requests
    of a client: answers by status, requests per second and, per status other than 2xx, the first answer
    (front, Server header, start of the body) to tell a proxy's error from the application's."""
    statuses: collections.Counter = collections.Counter()
    samples: dict[str, str] = {}  # the first answer of each status other than 2xx: who answered, and what
    lock = threading.Lock()
    stop_at = time.monotonic() + args.seconds

    def reader(n: int) -> None:
        session, base = requests.Session(), args.front[n % len(args.front)]
        while time.monotonic() < stop_at:
            sample = ""
            try:
                response = session.get(f"{base}/", timeout=10)
                status = str(response.status_code)
                if not status.startswith("2"):
                    sample = f"{base} Server={response.headers.get('Server')}: {response.text[:300]}"
            except requests.RequestException as error:
                status, sample = type(error).__name__, f"{base}: {error}"[:300]
            with lock:
                statuses[status] += 1
                if sample:
                    samples.setdefault(status, sample)
            time.sleep(args.pause_s)

    threads = [threading.Thread(target=reader, args=(n,)) for n in range(args.senders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {
        "answers": dict(statuses),
        "per_s": round(sum(statuses.values()) / args.seconds, 1),
        "samples": samples,
    }


def raw_stream(
    address: str, port: int, cookie: str, host: str, timeout: float = 30
) -> tuple[socket.socket, bytes]:
    """Open /chat/stream/ on address:port (Host: *host*); return the socket and the head of the answer."""
    sock = socket.create_connection((address, port), timeout=timeout)
    sock.sendall(
        f"GET /chat/stream/ HTTP/1.1\r\nHost: {host}\r\nCookie: {cookie}\r\n"
        "Accept: text/event-stream\r\n\r\n".encode()
    )
    head = sock.recv(4096)
    return sock, head


def storm(args) -> dict:
    base = args.front[0]
    cookie = "sessionid=" + retrying(log_in, base, "buyer2@example.com").cookies["sessionid"]
    barrier = threading.Barrier(args.streams)
    statuses: collections.Counter = collections.Counter()
    sockets, lock = [], threading.Lock()

    # Resolved once: 2,000 lookups at one instant overwhelm Docker's embedded DNS (the client's own failure).
    fronts = []
    for front in args.front:
        host, port = front.removeprefix("http://").split(":")
        fronts.append((socket.gethostbyname(host), port, host))

    waits: list[float] = []

    def one(n: int) -> None:
        address, port, host = fronts[n % len(fronts)]
        barrier.wait()
        start = time.monotonic()
        try:
            # A browser waits minutes for an answer; 120 s stands for that on a loaded machine.
            sock, head = raw_stream(address, int(port), cookie, host, timeout=120)
            status = head.split(b" ", 2)[1].decode() if head.startswith(b"HTTP/") else "no answer"
            with lock:
                sockets.append(sock)
        except OSError as error:
            status = type(error).__name__
        with lock:
            statuses[status] += 1
            waits.append(time.monotonic() - start)

    started = time.monotonic()
    threads = [threading.Thread(target=one, args=(n,)) for n in range(args.streams)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    if args.hold_s:
        print(json.dumps({"held": len(sockets)}), flush=True)
        time.sleep(args.hold_s)
    for sock in sockets:
        sock.close()
    waits.sort()
    return {
        "streams": args.streams,
        "answers": dict(statuses),
        "seconds": round(elapsed, 2),
        "open_p50_s": quantile(waits, 0.5),
        "open_p99_s": quantile(waits, 0.99),
    }


def reconnect(args) -> dict:
    """--streams streams on the first front; when one breaks (its proxy killed) it waits the stream's
    ``retry`` (as EventSource does) and reopens on the second front. Figures: how many came back, and the
    time from the break to the reopened stream's head, p50/p99."""
    first, second = args.front[0], args.front[1]
    cookie = "sessionid=" + retrying(log_in, second, "buyer2@example.com").cookies["sessionid"]
    ends = []
    for front in (first, second):
        host, port = front.removeprefix("http://").split(":")
        ends.append((socket.gethostbyname(host), int(port), host))
    opened, recovered, lock = threading.Barrier(args.streams + 1), [], threading.Lock()
    deadline = time.monotonic() + args.seconds

    def one() -> None:
        sock, head = raw_stream(*ends[0][:2], cookie, ends[0][2])
        retry = int(re.search(rb"retry: (\d+)", head).group(1)) / 1000 if b"retry:" in head else 3
        opened.wait()
        sock.settimeout(max(1, deadline - time.monotonic()))
        try:
            while sock.recv(4096):
                pass
        except OSError:
            pass
        broken = time.monotonic()
        sock.close()
        time.sleep(retry)
        while time.monotonic() < deadline:
            try:
                again, head = raw_stream(*ends[1][:2], cookie, ends[1][2])
            except OSError:
                time.sleep(retry)
                continue
            if head.startswith(b"HTTP/1.1 200"):
                with lock:
                    recovered.append(time.monotonic() - broken)
                again.close()
                return
            again.close()
            time.sleep(retry)

    threads = [threading.Thread(target=one) for _ in range(args.streams)]
    for thread in threads:
        thread.start()
    opened.wait()
    print(json.dumps({"held": args.streams}), flush=True)
    for thread in threads:
        thread.join()
    recovered.sort()
    return {
        "streams": args.streams,
        "reconnected": len(recovered),
        "recover_p50_s": quantile(recovered, 0.5),
        "recover_p99_s": quantile(recovered, 0.99),
    }


def lag(args) -> dict:
    """Replica lag as a reader meets it: seconds from a WAL position being current on the primary
    (DATABASE_URL) to the replica (same credentials, host --replica-host) having replayed it. The router's
    own query, ``now() - pg_last_xact_replay_timestamp()`` while WAL is unreplayed, reads the time since
    the last transaction *before* the load after any idle spell (measured: 145 s for a replica a few ms
    behind), so it cannot be the drill's figure."""
    import psycopg  # the site's driver; imported here so the HTTP modes need only requests

    primary_url = os.environ["DATABASE_URL"]
    replica_url = re.sub(r"@[^:/]+", f"@{args.replica_host}", primary_url, count=1)
    samples: list[float] = []
    with psycopg.connect(primary_url, autocommit=True) as primary, psycopg.connect(
        replica_url, autocommit=True
    ) as replica:
        stop_at = time.monotonic() + args.seconds
        while time.monotonic() < stop_at:
            started = time.monotonic()
            position = primary.execute("SELECT pg_current_wal_lsn()").fetchone()[0]
            replayed = "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn"
            while not replica.execute(replayed, [position]).fetchone()[0]:
                if time.monotonic() - started > 120:
                    break  # counted as 120 s: far past any limit
                time.sleep(0.01)
            samples.append(time.monotonic() - started)
            time.sleep(max(0.0, 0.25 - (time.monotonic() - started)))
    samples.sort()
    return {"samples": len(samples), "lag_max_s": quantile(samples, 1), "lag_p99_s": quantile(samples, 0.99)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("mode", choices=["send", "reads", "storm", "reconnect", "lag"])
    parser.add_argument("--front", action="append", help="Pushpin front URL (repeat for several)")
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--senders", type=int, default=4)
    parser.add_argument("--give-up-s", type=float, default=60)
    parser.add_argument("--streams", type=int, default=2000)
    parser.add_argument("--pause-s", type=float, default=0.05, help="reads: pause between a client's GETs")
    parser.add_argument("--hold-s", type=float, default=0, help="storm: keep the streams open this long")
    parser.add_argument("--until-file", default="", help="send: stop once this file exists")
    parser.add_argument("--replica-host", default="db-replica", help="lag: the replica's host name")
    args = parser.parse_args()
    args.front = args.front or ["http://pushpin:7999"]
    modes = {"send": send, "reads": reads, "storm": storm, "reconnect": reconnect, "lag": lag}
    print(json.dumps(modes[args.mode](args)), flush=True)


if __name__ == "__main__":
    main()
