"""A test's own Pushpin (``manage.py run_pushpin``): free ports and a running proxy in front of the live
server, shared by the browser suite, the supervision test and the API's event-stream tests."""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pytest

from chat.management.commands.run_pushpin import private_ports


def pushpin_free_ports() -> tuple[int, int]:
    """A browser port and a publish port for ``run_pushpin``, with the private ports that follow the
    publish port, all free now and below the kernel's ephemeral range: in it, the browser's and the
    database's outgoing connections take local ports, and once took one of Pushpin's before it could bind
    it ("unable to bind to tcp://127.0.0.1:42478": 2 runs of the browser suite in 23)."""
    try:
        ephemeral_low = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        ephemeral_low = 32768
    for _ in range(100):
        port, publish_port = random.sample(range(20000, ephemeral_low - 2), 2)
        wanted = {port, publish_port, *private_ports(publish_port).values()}
        if len(wanted) < 5:
            continue
        try:
            for candidate in wanted:
                with socket.socket() as probe:
                    probe.bind(("127.0.0.1", candidate))
        except OSError:
            continue
        return port, publish_port
    raise RuntimeError("no free ports")


MANAGE = Path(__file__).resolve().parents[1] / "manage.py"


def _wait_for_port(port: int, process: subprocess.Popen, timeout_s: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and process.poll() is None:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return True
        time.sleep(0.1)
    return False


def _pushpin_errors(directory: Path) -> str:
    return " ".join(
        line.strip()
        for log in sorted(directory.glob("log/*.log"))
        for line in log.read_text(errors="replace").splitlines()
        if line.startswith("[ERR]")
    )


def _wait_for_proxying(url: str, timeout_s: float = 10.0) -> None:
    """Wait until Pushpin forwards to the backend (its first requests after start can answer "Error while
    proxying to origin" while its zurl connects)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.1)


@contextlib.contextmanager
def pushpin_in_front(backend_url: str, settings, tmp_path: Path):
    """Run Pushpin (``manage.py run_pushpin``) in front of the live server at *backend_url*, with
    MARKETPLACE_PUSH_URL (the pytest-django *settings* fixture) pointing at its publish port; yields the
    URL clients use. Skips when pushpin is not installed (fails under CI=true). Another program can still
    take a port between the probe and Pushpin's bind: then it starts again on other ports (3 tries), and
    the error names what Pushpin logged."""
    if not (shutil.which("pushpin") and shutil.which("zurl")):
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but pushpin is not installed (apt-get install pushpin)")
        pytest.skip("pushpin is not installed (apt-get install pushpin)")
    backend = urlparse(backend_url)
    errors = []
    for attempt in range(3):
        port, publish_port = pushpin_free_ports()
        push_url = f"http://127.0.0.1:{publish_port}"
        settings.MARKETPLACE_PUSH_URL = push_url
        directory = tmp_path / f"pushpin-{attempt}"
        process = subprocess.Popen(
            [
                sys.executable,
                str(MANAGE),
                "run_pushpin",
                "--backend",
                f"127.0.0.1:{backend.port}",
                "--port",
                str(port),
                "--dir",
                str(directory),
            ],
            env={**os.environ, "MARKETPLACE_PUSH_URL": push_url},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        if _wait_for_port(port, process) and _wait_for_port(publish_port, process):
            break
        errors.append(f"ports {port}, {publish_port}: {_pushpin_errors(directory) or 'no error logged'}")
        process.terminate()
        process.wait(timeout=15)
    else:
        raise RuntimeError(f"Pushpin did not start: {'; '.join(errors)}")
    url = f"http://{backend.hostname}:{port}"
    _wait_for_proxying(url)
    try:
        yield url
    finally:
        process.terminate()
        process.wait(timeout=15)
