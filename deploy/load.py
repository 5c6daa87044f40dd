"""Load and probes for the drills (deploy/drills.sh), run inside the stack's network, never from the host:
``docker-compose exec -T web python deploy/load.py MODE [options]``; prints one line of JSON with figures.

Modes:
  send     seller and buyer2 send messages in one conversation through the Pushpin front(s) for --seconds,
           each send retried with its Idempotency-Key (as the composer does) until it is answered 2xx or
           --give-up-s passes; then lists the conversation and counts the accepted messages missing (lost),
           duplicated and the answers by status (5xx other than 503 are errors; 503 is the retry page).
  reads    GETs the ad list (read from the replica when it is usable) for --seconds: answers by status.
  storm    opens --streams event streams at one instant over the fronts: answers by status (502s).
"""

from __future__ import annotations

import argparse
import collections
import json
import re
import socket
import threading
import time
import uuid

import requests

PASSWORD = "marketplace-demo"


def log_in(base: str, email: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base}/accounts/login/", timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    session.post(
        f"{base}/accounts/login/",
        data={"username": email, "password": PASSWORD, "csrfmiddlewaretoken": token},
        allow_redirects=False,
        timeout=10,
    ).raise_for_status()
    session.headers["X-CSRFToken"] = session.cookies["csrftoken"]
    # The same browser on either Pushpin front: cookies for every host name of the stack.
    session.cookies = requests.utils.cookiejar_from_dict(session.cookies.get_dict())
    return session


def conversation(base: str, buyer: requests.Session) -> str:
    ads = buyer.get(f"{base}/api/v1/ads/", timeout=10).json()["results"]
    ad = next(a for a in ads if a["seller"]["display_name"] == "Sam Seller" and a["status"] == "active")
    answer = buyer.post(
        f"{base}/api/v1/ads/{ad['public_id']}/conversations/", json={"body": "drill"}, timeout=10
    )
    return answer.json()["conversation"]["public_id"]


def send(args) -> dict:
    fronts = args.front
    buyer, seller = log_in(fronts[0], "buyer2@example.com"), log_in(fronts[0], "seller@example.com")
    public_id = conversation(fronts[0], buyer)
    statuses: collections.Counter = collections.Counter()
    accepted, latencies, lock, samples = [], [], threading.Lock(), {}
    run = uuid.uuid4().hex[:8]
    stop_at = time.monotonic() + args.seconds

    def sender(n: int, session: requests.Session) -> None:
        i = 0
        while time.monotonic() < stop_at:
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
        page = seller.get(
            f"{fronts[0]}/api/v1/conversations/{public_id}/changes/?after={after}", timeout=30
        ).json()
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
        "answers": dict(statuses),
        "errors_5xx_not_503": sum(v for k, v in statuses.items() if k.startswith("5") and k != "503"),
        "send_p50_s": round(latencies[len(latencies) // 2], 3) if latencies else None,
        "send_max_s": round(latencies[-1], 3) if latencies else None,
        "samples": samples,
    }


def reads(args) -> dict:
    statuses: collections.Counter = collections.Counter()
    stop_at = time.monotonic() + args.seconds
    session = requests.Session()
    while time.monotonic() < stop_at:
        try:
            statuses[str(session.get(f"{args.front[0]}/", timeout=10).status_code)] += 1
        except requests.RequestException as error:
            statuses[type(error).__name__] += 1
        time.sleep(0.05)
    return {"answers": dict(statuses)}


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
    cookie = "sessionid=" + log_in(base, "buyer2@example.com").cookies["sessionid"]
    barrier = threading.Barrier(args.streams)
    statuses: collections.Counter = collections.Counter()
    sockets, lock = [], threading.Lock()

    # Resolved once: 2,000 lookups at one instant overwhelm Docker's embedded DNS (the client's own failure).
    fronts = []
    for front in args.front:
        host, port = front.removeprefix("http://").split(":")
        fronts.append((socket.gethostbyname(host), port, host))

    def one(n: int) -> None:
        address, port, host = fronts[n % len(fronts)]
        barrier.wait()
        try:
            sock, head = raw_stream(address, int(port), cookie, host)
            status = head.split(b" ", 2)[1].decode() if head.startswith(b"HTTP/") else "no answer"
            with lock:
                sockets.append(sock)
        except OSError as error:
            status = type(error).__name__
        with lock:
            statuses[status] += 1

    started = time.monotonic()
    threads = [threading.Thread(target=one, args=(n,)) for n in range(args.streams)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    for sock in sockets:
        sock.close()
    return {"streams": args.streams, "answers": dict(statuses), "seconds": round(elapsed, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("mode", choices=["send", "reads", "storm"])
    parser.add_argument("--front", action="append", help="Pushpin front URL (repeat for several)")
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--senders", type=int, default=4)
    parser.add_argument("--give-up-s", type=float, default=60)
    parser.add_argument("--streams", type=int, default=2000)
    args = parser.parse_args()
    args.front = args.front or ["http://pushpin:7999"]
    print(json.dumps({"send": send, "reads": reads, "storm": storm}[args.mode](args)), flush=True)


if __name__ == "__main__":
    main()
