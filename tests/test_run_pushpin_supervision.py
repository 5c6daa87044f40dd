"""manage.py run_pushpin supervises Pushpin: however the command is stopped, condure, pushpin-proxy and
pushpin-handler go with it and free the port; a second start over a live one refuses (issue 25, drill 4).
Real processes (Debian's pushpin); skipped where it is not installed."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.pushpin_ports import pushpin_free_ports

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(
    not (shutil.which("pushpin") and shutil.which("zurl")), reason="pushpin is not installed"
)


def accepting(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def processes_using(directory: Path) -> dict[int, str]:
    """The running processes whose arguments name *directory* (the run's config): {pid: command line}."""
    found = {}
    for entry in Path("/proc").iterdir():
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if entry.name.isdigit() and str(directory) in cmdline and "run_pushpin_supervision" not in cmdline:
            found[int(entry.name)] = cmdline
    return found


def start(tmp_path: Path, port: int, publish_port: int) -> subprocess.Popen:
    """run_pushpin in a process group of its own (as a shell or a container runs it)."""
    env = {**os.environ, "MARKETPLACE_PUSH_URL": f"http://127.0.0.1:{publish_port}"}
    return subprocess.Popen(
        [sys.executable, "manage.py", "run_pushpin", "--port", str(port), "--backend", "127.0.0.1:9"]
        + ["--dir", str(tmp_path)],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


@pytest.mark.parametrize("how", ["SIGKILL to the group", "SIGTERM to the group", "SIGTERM", "SIGKILL"])
def test_any_stop_takes_pushpins_services_with_it(tmp_path, how):
    port, publish_port = pushpin_free_ports()
    command = start(tmp_path, port, publish_port)
    try:
        assert wait_for(lambda: accepting(port), 30), command.stdout.read() if command.poll() else "no port"
        assert wait_for(lambda: any("condure" in c for c in processes_using(tmp_path).values()), 15)
        signum = signal.SIGKILL if "KILL" in how else signal.SIGTERM
        if "group" in how:
            os.killpg(command.pid, signum)
        else:
            command.send_signal(signum)
        command.wait(timeout=15)
        assert wait_for(lambda: not processes_using(tmp_path), 15), processes_using(tmp_path)
        assert not accepting(port)
    finally:
        for pid in processes_using(tmp_path):  # never leave a Pushpin behind, even when the test fails
            os.kill(pid, signal.SIGKILL)


def test_a_start_over_a_live_one_refuses(tmp_path):
    port, publish_port = pushpin_free_ports()
    first = start(tmp_path / "first", port, publish_port)
    try:
        assert wait_for(lambda: accepting(port), 30)
        second = start(tmp_path / "second", port, publish_port)
        output, _ = second.communicate(timeout=30)
        assert second.returncode != 0
        assert "another Pushpin (run_pushpin) seems to be running: port" in output
        assert str(port) in output
        assert accepting(port), "the first one still serves"
    finally:
        first.terminate()
        first.wait(timeout=15)
    assert wait_for(lambda: not processes_using(tmp_path), 15)
