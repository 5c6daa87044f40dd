"""Reads that tolerate a little lag go to a streaming replica; everything else stays on the primary.

With ``DATABASE_REPLICA_URL`` set (settings: the ``replica`` alias), ``ReplicaReadsMiddleware`` marks the
requests whose answers may be a few seconds old, by URL name (``MARKETPLACE_REPLICA_VIEWS``: the ad list
and search, page and API, and public profiles), and ``ReplicaRouter`` sends those requests' reads to the
replica. Read-your-writes: a browser that has just written (any POST, PUT, PATCH or DELETE) carries a
cookie for ``MARKETPLACE_REPLICA_PIN_S`` seconds that keeps all its reads on the primary, so a seller sees
the ad they just edited; conversations, polls and badges are never marked and always read the primary.
The replica is used only while it answers and lags less than ``MARKETPLACE_REPLICA_MAX_LAG_S`` (checked
at most every ``CHECK_EVERY_S`` seconds per process): a stopped or late replica sends reads back to the
primary, and a request whose replica read failed between two checks is answered again from the primary.
Writes, migrations, sessions and the chat's tables always use the primary. Without a replica all of this
is a no-op.
"""

from __future__ import annotations

import contextvars
import logging
import threading
import time

from django.conf import settings
from django.db import DatabaseError, connections

logger = logging.getLogger(__name__)

REPLICA = "replica"
PIN_COOKIE = "marketplace_primary"
CHECK_EVERY_S = 5
# Defaults of the settings of the same names (settings may override them; read at call time).
REPLICA_VIEWS = ("ads:list", "api-ads", "profiles:detail")  # URL names: the ad list and search, profiles
REPLICA_MAX_LAG_S = 5.0
REPLICA_PIN_S = 10
# Only the ads' and the users' tables are read from the replica. Sessions and tokens (read on every request,
# written at login) and the chat's tables (the header's unread badge on every page, conversations) always
# come from the primary, so a lag-tolerant page never shows a stale badge.
REPLICA_APPS = frozenset({"ads", "accounts"})

_lag_tolerant = contextvars.ContextVar("marketplace_replica_reads", default=False)
_used_replica = contextvars.ContextVar("marketplace_replica_used", default=False)
# Set by ReplicaReadsMiddleware.process_exception: a database error escaped a view that read the replica.
_replica_failed = contextvars.ContextVar("marketplace_replica_failed", default=False)
# Set for the one repeat of a request after a replica read failed: every read goes to the primary.
_primary_only = contextvars.ContextVar("marketplace_primary_only", default=False)
_state_lock = threading.Lock()
_state = {"checked_at": float("-inf"), "usable": False, "lag_s": None}


def replica_configured() -> bool:
    """Return True when settings.DATABASES has the ``replica`` alias (DATABASE_REPLICA_URL)."""
    return REPLICA in settings.DATABASES


def replica_lag_s() -> float | None:
    """The replica's replay lag in seconds as last measured (0 when it has replayed all it received),
    or None when it did not answer or was never asked."""
    return _state["lag_s"]


def _measure() -> float | None:
    """Ask the replica how far behind it is; None when it cannot be reached.

    The usual query (postgres_exporter's and the Datadog agent's) overstates the lag for the moment WAL
    has arrived but is not yet replayed after an idle spell: it then reads the age of the last transaction
    before the spell (measured on the drills' stack: 145 s for a replica a few ms behind). The error is on
    the safe side (reads go to the primary until the next check, CHECK_EVERY_S); deploy/load.py's ``lag``
    mode measures the real delay for the drills."""
    try:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute(
                "SELECT CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0"
                " ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0) END"
            )
            return float(cursor.fetchone()[0])
    except DatabaseError as error:
        logger.warning("replica unusable, reading from the primary: %s", error)
        connections[REPLICA].close()
        return None


def replica_usable(now: float | None = None) -> bool:
    """Return True when the replica answered its last check with a lag under MARKETPLACE_REPLICA_MAX_LAG_S;
    checks again when the last check is older than CHECK_EVERY_S seconds (*now*: time.monotonic())."""
    now = time.monotonic() if now is None else now
    with _state_lock:
        if now - _state["checked_at"] >= CHECK_EVERY_S:
            lag = _measure()
            _state.update(checked_at=now, lag_s=lag, usable=lag is not None and lag < max_lag_s())
        return _state["usable"]


def mark_replica_down() -> None:
    """Stop using the replica until the next check (CHECK_EVERY_S): a read from it has just failed."""
    with _state_lock:
        _state.update(checked_at=time.monotonic(), usable=False, lag_s=None)
    if REPLICA in connections.settings:
        connections[REPLICA].close()


def max_lag_s() -> float:
    """Seconds of replay lag beyond which the replica is not used (MARKETPLACE_REPLICA_MAX_LAG_S)."""
    return float(getattr(settings, "MARKETPLACE_REPLICA_MAX_LAG_S", REPLICA_MAX_LAG_S))


def pin_s() -> int:
    """Seconds a browser's reads stay on the primary after it wrote (MARKETPLACE_REPLICA_PIN_S)."""
    return int(getattr(settings, "MARKETPLACE_REPLICA_PIN_S", REPLICA_PIN_S))


class ReplicaRouter:
    """Django database router (settings.DATABASE_ROUTERS): see the module docstring."""

    def db_for_read(self, model, **hints):
        """``replica`` for a read inside a lag-tolerant request while the replica is usable; else None
        (the primary, ``default``)."""
        if not (_lag_tolerant.get() and replica_configured()) or _primary_only.get():
            return None
        if model._meta.app_label not in REPLICA_APPS:
            return None
        if not replica_usable():
            return None
        _used_replica.set(True)
        return REPLICA

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        # The replica is a copy of the primary: objects read from either belong together.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # A physical replica replays the primary's migrations; it cannot run its own.
        return db != REPLICA


class ReplicaReadsMiddleware:
    """Marks lag-tolerant GET/HEAD requests (by URL name, see the module docstring) for ReplicaRouter,
    unless the browser wrote within MARKETPLACE_REPLICA_PIN_S seconds; after any write, sets that pin."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        tokens = (
            _lag_tolerant.set(False),
            _used_replica.set(False),
            _replica_failed.set(False),
            _primary_only.set(False),
        )
        try:
            response = self.get_response(request)
            if _used_replica.get() and (response.status_code == 503 or _replica_failed.get()):
                # A replica read failed: it went away between two checks (a 503, "unavailable"), or it
                # raised something else, such as PostgreSQL's "canceling statement due to conflict with
                # recovery" (SQLSTATE 40001) on a hot standby. A GET is safe to repeat: answer it again,
                # reading only the primary. Only an unreachable replica is set aside for CHECK_EVERY_S.
                if response.status_code == 503:
                    mark_replica_down()
                _primary_only.set(True)
                response = self.get_response(request)
        finally:
            for var, token in zip(
                (_lag_tolerant, _used_replica, _replica_failed, _primary_only), tokens, strict=True
            ):
                var.reset(token)
        if request.method not in ("GET", "HEAD", "OPTIONS") and replica_configured():
            response.set_cookie(PIN_COOKIE, "1", max_age=pin_s(), httponly=True, samesite="Lax")
        return response

    def process_exception(self, request, exception):
        """Note a database error in a request that read the replica (``__call__`` repeats it from the
        primary); Django's error handling goes on as usual (returns None)."""
        if _used_replica.get() and isinstance(exception, DatabaseError):
            _replica_failed.set(True)
        return None

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        name = (
            f"{match.namespace}:{match.url_name}"
            if match and match.namespace
            else getattr(match, "url_name", "")
        )
        _lag_tolerant.set(
            request.method in ("GET", "HEAD")
            and name in getattr(settings, "MARKETPLACE_REPLICA_VIEWS", REPLICA_VIEWS)
            and PIN_COOKIE not in request.COOKIES
        )
