"""The README's main flow over HTTP through the Pushpin front, as two browsers would: run inside the stack
(``docker-compose exec web python deploy/flow.py http://pushpin:7999``) against the demo data.

The buyer and the seller log in through the login form (sessions, CSRF), the buyer opens their event
stream and writes to the seller about one of the seller's ads (the API's "Write to seller"), the seller
replies, and the reply must arrive as an event on the buyer's stream and then through the buyer's poll
(the API's change endpoint, the apps' poll). Prints one line per step with its time; exits 1 on the first
failure. Standard library and requests only (both in the image)."""

from __future__ import annotations

import queue
import re
import sys
import threading
import time

import requests

PASSWORD = "marketplace-demo"  # manage.py load_demo
SELLER_NAME = "Sam Seller"  # seller@example.com


def log_in(base: str, email: str) -> requests.Session:
    """A session logged in through the login form; raises AssertionError when the form refuses."""
    session = requests.Session()
    page = session.get(f"{base}/accounts/login/", timeout=10)
    page.raise_for_status()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    answer = session.post(
        f"{base}/accounts/login/",
        data={"username": email, "password": PASSWORD, "csrfmiddlewaretoken": token},
        headers={"Referer": f"{base}/accounts/login/"},
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code == 302, f"login of {email} answered {answer.status_code}"
    session.headers["X-CSRFToken"] = session.cookies["csrftoken"]
    return session


def listen(base: str, session: requests.Session, events: queue.Queue, ready: threading.Event) -> None:
    """Read the user's event stream (through Pushpin) and put each event's name on *events*."""
    with session.get(f"{base}/chat/stream/", stream=True, timeout=(5, 60)) as stream:
        assert stream.status_code == 200, f"stream answered {stream.status_code}"
        for line in stream.iter_lines(decode_unicode=True):
            if line and line.startswith("event: "):
                name = line.removeprefix("event: ")
                if name == "ready":
                    ready.set()
                events.put(name)


def main(base: str) -> None:
    started = time.monotonic()

    def step(text: str) -> None:
        print(f"flow {time.monotonic() - started:6.2f} s  {text}", flush=True)

    assert requests.get(f"{base}/healthz", timeout=5).text == "ok"
    buyer, seller = log_in(base, "buyer2@example.com"), log_in(base, "seller@example.com")
    step("buyer2 and seller logged in through the login form")
    events: queue.Queue = queue.Queue()
    ready = threading.Event()
    threading.Thread(target=listen, args=(base, buyer, events, ready), daemon=True).start()
    assert ready.wait(10), "the buyer's stream sent no ready event through Pushpin"
    step("buyer's event stream open through Pushpin (ready)")
    ads = buyer.get(f"{base}/api/v1/ads/", timeout=10).json()["results"]
    ad = next(a for a in ads if a["seller"]["display_name"] == SELLER_NAME and a["status"] == "active")
    stamp = time.time_ns()
    started_answer = buyer.post(
        f"{base}/api/v1/ads/{ad['public_id']}/conversations/",
        json={"body": f"Is it available? {stamp}"},
        timeout=10,
    )
    assert started_answer.status_code in (200, 201), (started_answer.status_code, started_answer.text[:300])
    conversation = started_answer.json()["conversation"]["public_id"]
    step(f"buyer wrote to the seller about '{ad['title']}' ({started_answer.status_code})")
    after = buyer.get(f"{base}/api/v1/conversations/{conversation}/changes/?after=0", timeout=10).json()
    newest = max(m["id"] for m in after["messages"])
    while not events.empty():
        events.get_nowait()
    reply = seller.post(
        f"{base}/api/v1/conversations/{conversation}/messages/send/",
        json={"body": f"Yes, still available {stamp}"},
        headers={"Idempotency-Key": f"flow-{stamp}"},
        timeout=10,
    )
    assert reply.status_code == 201, (reply.status_code, reply.text[:300])
    replied = time.monotonic()
    step("seller replied (201)")
    wanted = f"conversation-{conversation}"
    deadline = time.monotonic() + 10
    while True:
        name = events.get(timeout=max(0.1, deadline - time.monotonic()))
        if name == wanted:
            break
    waited_ms = (time.monotonic() - replied) * 1000
    step(f"the reply arrived as '{wanted}' on the buyer's stream after {waited_ms:.0f} ms")
    bodies, after = [], newest
    while True:  # a page at a time (other messages may be arriving: the drills' load)
        url = f"{base}/api/v1/conversations/{conversation}/changes/?after={after}"
        poll = buyer.get(url, timeout=10).json()
        bodies += [m["body"] for m in poll["messages"]]
        if not poll["has_more"]:
            break
        after = poll["messages"][-1]["id"]
    assert f"Yes, still available {stamp}" in bodies, bodies[-5:]
    step("the buyer's poll brought the reply")
    page = buyer.get(f"{base}/chat/{conversation}/", timeout=10)
    assert page.status_code == 200 and str(stamp) in page.text, page.status_code
    step("the conversation page shows it; flow passed")


if __name__ == "__main__":
    try:
        main(sys.argv[1] if len(sys.argv) > 1 else "http://pushpin:7999")
    except (AssertionError, queue.Empty, requests.RequestException) as error:
        sys.exit(f"flow FAILED: {error!r}")
