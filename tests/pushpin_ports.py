"""Ports for a test's own Pushpin (``manage.py run_pushpin``), shared by the browser suite and the
supervision test."""

from __future__ import annotations

import random
import socket
from pathlib import Path

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
