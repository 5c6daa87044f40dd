#!/usr/bin/env python
"""Print, per endpoint, the large/small ratio of latency and throughput from two bench/run results.

    .venv/bin/python bench/compare.py bench/results/small.json bench/results/large.json

A ratio of p50 latency (large ÷ small) near 1 means the endpoint's cost does not grow with the data.
"""

import json
import sys
from pathlib import Path


def main() -> None:
    small, large = (json.loads(Path(path).read_text()) for path in sys.argv[1:3])
    print("| endpoint | req/s small | req/s large | p50 large/small | p99 large/small | req/s small/large |")
    print("|---|---|---|---|---|---|")
    for a, b in zip(small["rows"], large["rows"], strict=True):
        p50 = b["p50_ms"] / a["p50_ms"] if a["p50_ms"] else float("nan")
        p99 = b["p99_ms"] / a["p99_ms"] if a["p99_ms"] else float("nan")
        rps = a["rps"] / b["rps"] if b["rps"] else float("nan")
        print(f"| {a['endpoint']} | {a['rps']} | {b['rps']} | {p50:.2f} | {p99:.2f} | {rps:.2f} |")


if __name__ == "__main__":
    main()
