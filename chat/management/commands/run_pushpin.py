"""Run Pushpin (Debian's ``pushpin``, with its ``zurl``) in front of the site, configured from settings."""

from __future__ import annotations

import ctypes
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

# Pushpin 1.36 sends its requests to the backend through zurl, which Debian runs as a separate system
# service (/var/run/zurl); without it every proxied request ends in "-> backend error". This command
# runs zurls of its own on private sockets, so nothing system-wide is needed.
#
# Several zurls, not one: pushpin-proxy hands each request to zurl through a ZeroMQ PUSH socket whose
# queue is hard-coded at 100 messages per connected zurl, and a request that finds the queue full is
# answered 502 at once (ZhttpRequest's ErrorUnavailable: no retry, no wait). A reconnect storm (every
# browser of a dead proxy coming back within the same second) hands it hundreds of requests in one
# event-loop turn: through the stack, 1,000 streams at one proxy got 15-46 % 502s with one zurl and none
# with four (docs/operations.md, the storm drill). PUSH spreads requests over every connected zurl, so
# the queue grows with their number; each idle zurl costs about 10 MB.
ZURLS = 4
PUSHPIN_CONF = """[global]
include={{libdir}}/internal.conf
rundir={run}
ipc_prefix=pushpin-
port_offset=0
stats_connection_ttl=120

[runner]
services=condure,pushpin-proxy,pushpin-handler
http_port={port}
logdir={log}
log_level=2
client_buffer_size=8192
client_maxconn=50000

[proxy]
routesfile=routes
zurl_out_specs={zurl_out_specs}
zurl_out_stream_specs={zurl_out_stream_specs}
zurl_in_specs={zurl_in_specs}
debug=false
auto_cross_origin=false
accept_x_forwarded_protocol=false
set_x_forwarded_protocol=proto-only
accept_pushpin_route=false
log_from=false
log_user_agent=false
sig_iss=pushpin
sig_key={sig_key}
updates_check=off

[handler]
push_in_spec=tcp://127.0.0.1:{pull_port}
push_in_sub_specs=tcp://127.0.0.1:{sub_port}
push_in_sub_connect=false
push_in_http_addr={publish_addr}
push_in_http_port={publish_port}
push_in_http_max_headers_size=10000
push_in_http_max_body_size=1000000
stats_spec=ipc://{{rundir}}/{{ipc_prefix}}stats
command_spec=tcp://127.0.0.1:{command_port}
message_rate=2500
message_hwm=25000
message_wait=5000
id_cache_ttl=60
connection_subscription_max=20
subscription_linger=60
stats_subscription_ttl=60
stats_report_interval=10
stats_format=tnetstring
"""
ZURL_CONF = """[General]
in_spec=ipc://{run}/zurl-in-{n}
in_stream_spec=ipc://{run}/zurl-in-stream-{n}
out_spec=ipc://{run}/zurl-out-{n}
in_req_spec=ipc://{run}/zurl-req-{n}
defpolicy=allow
max_open_requests=4000
buffer_size=200000
timeout=60
"""
# zurl's timeout (seconds without a byte from the backend) is 60, not Debian's 600: held streams live in
# Pushpin's handler, not in zurl, and gunicorn kills a worker after 30 s, so only a backend that vanished
# (a killed container's address answers nothing, not even a reset) is that quiet, and its requests in
# flight then get Pushpin's 502 after a minute instead of hanging for ten (the kill-web drill).


def private_ports(publish_port: int) -> dict[str, int]:
    """The handler's private ZeroMQ ports, which follow *publish_port* so that several Pushpins can run
    side by side (tests): ``{"pull_port", "sub_port", "command_port"}``, ports on 127.0.0.1."""
    return {"pull_port": publish_port - 1, "sub_port": publish_port + 1, "command_port": publish_port + 2}


def write_config(
    directory: Path,
    *,
    backend: str,
    port: int,
    publish_port: int,
    publish_addr: str = "127.0.0.1",
    zurls: int = ZURLS,
) -> Path:
    """Write pushpin.conf, routes and zurl-0.conf … zurl-<zurls - 1>.conf into *directory* and return the
    pushpin.conf path.

    *backend* is ``host:port`` of the Django server; *port* is where browsers connect; *publish_port* is
    the publish endpoint (MARKETPLACE_PUSH_URL), listening on *publish_addr* (keep it private: whoever
    reaches it can send events to any user). The private ports are ``private_ports(publish_port)``.
    *zurls* (≥ 1) is how many zurls Pushpin spreads its backend requests over (see ZURLS)."""
    if zurls < 1:
        raise ValueError("at least one zurl")
    run, log = directory / "run", directory / "log"
    run.mkdir(parents=True, exist_ok=True)
    log.mkdir(parents=True, exist_ok=True)
    (directory / "routes").write_text(f"* {backend}\n")
    for n in range(zurls):
        (directory / f"zurl-{n}.conf").write_text(ZURL_CONF.format(run=run, n=n))

    def specs(name: str) -> str:
        return ",".join(f"ipc://{run}/{name}-{n}" for n in range(zurls))

    conf = directory / "pushpin.conf"
    conf.write_text(
        PUSHPIN_CONF.format(
            run=run,
            log=log,
            port=port,
            sig_key=settings.MARKETPLACE_PUSH_SIG_KEY,
            publish_port=publish_port,
            publish_addr=publish_addr,
            zurl_out_specs=specs("zurl-in"),
            zurl_out_stream_specs=specs("zurl-in-stream"),
            zurl_in_specs=specs("zurl-out"),
            **private_ports(publish_port),
        )
    )
    return conf


PR_SET_PDEATHSIG = 1  # linux/prctl.h


def _die_with_parent(parent: int):
    """A ``preexec_fn``: the child gets SIGTERM when this command's process ends, however it ends (also by
    SIGKILL, which no handler sees), and starts in a session of its own, out of reach of a signal sent to
    this command's process group. So a stop always goes through the child's own orderly shutdown: Pushpin's
    runner stops condure, pushpin-proxy and pushpin-handler (each in a process group of its own, which a
    group signal would miss) instead of dying before it can."""

    def prepare() -> None:
        os.setsid()
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        if os.getppid() != parent:  # the command died before prctl: nobody would send the signal
            os._exit(1)

    return prepare


def ports_in_use(ports: list[tuple[str, int]]) -> list[int]:
    """Return those of *ports* (``(host, port)`` pairs) on which something accepts a TCP connection."""
    busy = []
    for host, port in ports:
        with socket.socket() as probe:
            probe.settimeout(0.5)
            if probe.connect_ex((host if host not in ("0.0.0.0", "") else "127.0.0.1", port)) == 0:
                busy.append(port)
    return busy


def stop_all(processes: list[subprocess.Popen], timeout: float = 10) -> None:
    """SIGTERM each of *processes* still running, wait up to *timeout* seconds in all, then SIGKILL what is
    left (a runner killed that way leaves its services behind, hence the wait first)."""
    for process in processes:
        if process.poll() is None:
            process.terminate()
    deadline = time.monotonic() + timeout
    for process in processes:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class Command(BaseCommand):
    """``manage.py run_pushpin [--backend 127.0.0.1:8000] [--port 7999]``: serve the site through Pushpin.

    Browsers use ``http://127.0.0.1:<port>``; the publish endpoint is MARKETPLACE_PUSH_URL's port
    (default 5561). Runs ``--zurls`` zurls (default ZURLS) and pushpin in the foreground until
    interrupted; any stop of this command (SIGTERM or SIGINT to it or its process group, or SIGKILL)
    stops them and Pushpin's services with them, and when any of them ends the command stops the rest
    and exits. Raises CommandError when
    Pushpin is not installed (``apt-get install pushpin``), when ``--zurls`` is below 1, or when the
    browser or publish port is already taken (another Pushpin still running)."""

    help = "Run Pushpin (and its zurls) in front of the Django server, configured from the settings."

    def add_arguments(self, parser):
        parser.add_argument("--backend", default="127.0.0.1:8000", help="host:port of the Django server")
        parser.add_argument("--port", type=int, default=7999, help="port browsers connect to")
        parser.add_argument(
            "--publish-addr", default="127.0.0.1", help="address of the publish endpoint (a private network)"
        )
        parser.add_argument("--dir", default="", help="where to write the configuration (default: temporary)")
        parser.add_argument(
            "--zurls", type=int, default=ZURLS, help=f"zurls spreading the backend requests (default {ZURLS})"
        )

    def handle(self, *args, **options):
        if not (shutil.which("pushpin") and shutil.which("zurl")):
            raise CommandError("pushpin is not installed (Debian: apt-get install pushpin)")
        if options["zurls"] < 1:
            raise CommandError("--zurls must be at least 1")
        # Several proxies' URLs (comma-separated) are for publishers; this Pushpin takes the first one's port.
        publish_url = (settings.MARKETPLACE_PUSH_URL or "http://127.0.0.1:5561").split(",")[0]
        publish_port = urlparse(publish_url).port or 5561
        busy = ports_in_use([("127.0.0.1", options["port"]), (options["publish_addr"], publish_port)])
        if busy:
            taken = ", ".join(map(str, busy))
            raise CommandError(
                f"another Pushpin (run_pushpin) seems to be running: port {taken} already taken. "
                "Stop it first, or choose other ports (--port, MARKETPLACE_PUSH_URL)."
            )
        directory = Path(options["dir"] or tempfile.mkdtemp(prefix="pushpin-"))
        conf = write_config(
            directory,
            backend=options["backend"],
            port=options["port"],
            publish_port=publish_port,
            publish_addr=options["publish_addr"],
            zurls=options["zurls"],
        )
        supervised = {"stdout": sys.stdout, "stderr": sys.stderr, "preexec_fn": _die_with_parent(os.getpid())}
        zurls = [
            subprocess.Popen(["zurl", f"--config={directory / f'zurl-{n}.conf'}"], **supervised)
            for n in range(options["zurls"])
        ]
        pushpin = subprocess.Popen(["pushpin", "--config", str(conf)], **supervised)
        self.stdout.write(
            f"Pushpin on http://127.0.0.1:{options['port']} -> {options['backend']}; "
            f"publish endpoint http://127.0.0.1:{publish_port} (config in {directory})"
        )

        stopping = []

        def stop(*_):
            stopping.append(True)

        for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(signum, stop)
        try:
            while not stopping and all(p.poll() is None for p in (pushpin, *zurls)):
                time.sleep(0.2)
            ended = next((p for p in (pushpin, *zurls) if p.poll() is not None), None)
            if not stopping and ended is not None:  # a non-zero exit lets a supervisor restart it all
                raise CommandError(f"{ended.args[0]} exited with {ended.returncode}; stopped the rest")
        finally:
            stop_all([pushpin, *zurls])
