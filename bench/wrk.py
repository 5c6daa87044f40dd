"""Driving a server under test, shared by the benchmark scripts (no Django: scripts that build their own
project import it too): ``wrk`` through ``bench/lua/request.lua`` and waiting until a server answers."""

from __future__ import annotations

import json
import os
import subprocess
import time
import urllib.request
from pathlib import Path

LUA = Path(__file__).resolve().parent / "lua" / "request.lua"


def wrk(base: str, *, path: str, connections: int, duration: int, threads: int, **env) -> dict:
    """Run Debian's wrk against *base* + *path* for *duration* seconds with *connections* connections on
    *threads* threads; *env* becomes the Lua script's ``BENCH_<NAME>`` variables (cookie, method, body,
    csrf, htmx, …). Returns ``{"rps", "p50_ms", "p99_ms", "errors" (non-2xx included), "requests", "ok"
    (2xx and 304 answers)}``. Raises CalledProcessError when wrk fails."""
    environment = {**os.environ, "BENCH_PATH": path, **{f"BENCH_{k.upper()}": str(v) for k, v in env.items()}}
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{duration}s",
        "--timeout",
        "5s",
        "-s",
        str(LUA),
        base,
    ]
    output = subprocess.run(command, capture_output=True, text=True, env=environment, check=True).stdout
    line = next(line for line in output.splitlines() if line.startswith("BENCH_JSON "))
    result = json.loads(line.removeprefix("BENCH_JSON "))
    seconds = result["duration_us"] / 1_000_000
    return {
        "rps": round(result["requests"] / seconds, 1),
        "p50_ms": round(result["p50_us"] / 1000, 2),
        "p99_ms": round(result["p99_us"] / 1000, 2),
        "errors": result["errors"],
        "requests": result["requests"],
        "ok": result["ok"],
    }


def wait_until_answering(url: str, *, seconds: float = 10.0) -> bool:
    """Poll *url* every 0.1 s until it answers (any status urllib accepts), at most *seconds*; return
    whether it did."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url).read()
            return True
        except OSError:
            time.sleep(0.1)
    return False
