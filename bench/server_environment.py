"""The environment the benchmarks run the site in: production settings (DEBUG off, Redis, persistent
database connections) on loopback. Imported before ``django.setup()`` by bench/run.py and
bench/live_latency.py."""

import os


def configure() -> None:
    """Set the benchmark's environment defaults (values already in the environment win, except DEBUG)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
    os.environ["DJANGO_DEBUG"] = "false"
    os.environ.setdefault(
        "DJANGO_SECRET_KEY", "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz-0123456789"
    )
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
    os.environ.setdefault("CACHE_URL", "redis://127.0.0.1:6379/3")
    os.environ.setdefault("DJANGO_CONN_MAX_AGE", "600")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    # Plain HTTP on loopback: cookies cannot be Secure-only here (production keeps them Secure).
    os.environ.setdefault("DJANGO_SECURE_COOKIES", "false")
    # One user sending thousands of messages a minute is exactly what the rate limits stop; the benchmarks
    # measure the send path itself, so they turn them off (and count refused sends, which must be 0).
    os.environ.setdefault("DJANGO_RATELIMIT_ENABLE", "false")
