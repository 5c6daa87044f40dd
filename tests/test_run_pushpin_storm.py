"""A reconnect storm through ``manage.py run_pushpin`` gets (almost) no 502 (issue 25, drill 3).

Pushpin 1.36 hands each request to zurl through a ZeroMQ queue of 100 messages per zurl and answers 502 at
once when it is full; run_pushpin spreads the requests over several zurls (``ZURLS``). The storm test runs
real processes (Debian's pushpin) in front of a stub GRIP backend; skipped where pushpin is not installed.
"""

from __future__ import annotations

import collections
import http.server
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from chat.management.commands.run_pushpin import ZURLS, write_config
from tests.pushpin_ports import pushpin_free_ports
from tests.test_run_pushpin_supervision import accepting, processes_using, wait_for

ROOT = Path(__file__).resolve().parent.parent
REQUEST = b"GET /chat/stream/ HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n"


def test_the_config_spreads_backend_requests_over_every_zurl(tmp_path):
    conf = write_config(tmp_path, backend="web:8000", port=7999, publish_port=5561, zurls=3)
    text = conf.read_text()
    run = tmp_path / "run"
    outs = ",".join(f"ipc://{run}/zurl-in-{n}" for n in range(3))
    assert f"zurl_out_specs={outs}\n" in text
    assert f"zurl_in_specs={','.join(f'ipc://{run}/zurl-out-{n}' for n in range(3))}\n" in text
    for n in range(3):
        zurl = (tmp_path / f"zurl-{n}.conf").read_text()
        assert f"in_spec=ipc://{run}/zurl-in-{n}\n" in zurl
        assert f"out_spec=ipc://{run}/zurl-out-{n}\n" in zurl
    assert not (tmp_path / "zurl-3.conf").exists()
    assert ZURLS >= 4


def test_zero_zurls_is_refused(tmp_path):
    with pytest.raises(ValueError):
        write_config(tmp_path, backend="web:8000", port=7999, publish_port=5561, zurls=0)


class GripBackend(http.server.BaseHTTPRequestHandler):
    """Answers every GET as the stream view does: GRIP instructions to hold an event stream, 6 at a time
    and 12 ms each, as a few gunicorn workers would (500 handshakes/s, several times what Django does on
    this machine)."""

    workers = threading.BoundedSemaphore(6)

    def do_GET(self):  # noqa: N802 - http.server's name
        with self.workers:
            time.sleep(0.012)
        body = b"retry: 5000\n\n"
        self.send_response(200)
        for name, value in (
            ("Content-Type", "text/event-stream"),
            ("Grip-Hold", "stream"),
            ("Grip-Channel", "storm-test"),
            ("Content-Length", str(len(body))),
        ):
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def storm(port: int, streams: int) -> collections.Counter:
    """Open *streams* event streams on 127.0.0.1:*port* at one instant; the answers' status codes."""
    barrier, statuses, sockets, lock = threading.Barrier(streams), collections.Counter(), [], threading.Lock()

    def one() -> None:
        barrier.wait()
        try:
            sock = socket.create_connection(("127.0.0.1", port), timeout=120)
            sock.sendall(REQUEST)
            head = sock.recv(4096)
            status = head.split(b" ", 2)[1].decode() if head.startswith(b"HTTP/") else "no answer"
            with lock:
                sockets.append(sock)
        except OSError as error:
            status = type(error).__name__
        with lock:
            statuses[status] += 1

    threads = [threading.Thread(target=one) for _ in range(streams)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for sock in sockets:
        sock.close()
    return statuses


@pytest.mark.skipif(not (shutil.which("pushpin") and shutil.which("zurl")), reason="pushpin is not installed")
def test_a_reconnect_storm_gets_no_502(tmp_path):
    backend = http.server.ThreadingHTTPServer(("127.0.0.1", 0), GripBackend)
    backend.request_queue_size = 1024
    threading.Thread(target=backend.serve_forever, daemon=True).start()
    port, publish_port = pushpin_free_ports()
    command = subprocess.Popen(
        [sys.executable, "manage.py", "run_pushpin", "--port", str(port), "--dir", str(tmp_path)]
        + ["--backend", f"127.0.0.1:{backend.server_address[1]}"],
        cwd=ROOT,
        env={**os.environ, "MARKETPLACE_PUSH_URL": f"http://127.0.0.1:{publish_port}"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert wait_for(lambda: accepting(port), 30)
        time.sleep(1)  # every zurl connected
        statuses = storm(port, 1000)
        # With one zurl: 300 x 502 of 1,000 here; with four: 0, 0 and 12 in three runs on this host at load
        # average 13 (zurls starved of CPU fill their queues too), none in any storm through the stack.
        # Pushpin 1.36 has a second queue of the same kind, the proxy's hand-off of held streams to its
        # one handler: when handshakes come back faster than it takes them some get a 500 "Accept
        # service unavailable" (docs/operations.md, the storm). Timeouts on a loaded machine are not
        # what this test is about either.
        assert statuses["502"] < 50, dict(statuses)
        assert statuses["200"] >= 500, dict(statuses)
    finally:
        command.terminate()
        command.wait(timeout=15)
        backend.shutdown()
        assert wait_for(lambda: not processes_using(tmp_path), 15)
