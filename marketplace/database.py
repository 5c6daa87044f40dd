"""The DATABASES["default"] setting, from DATABASE_URL (PostgreSQL in production and CI, SQLite otherwise)."""

from pathlib import Path

import environ


def databases_from_env(env: environ.Env, base_dir: Path) -> tuple[dict, list[str]]:
    """Return the DATABASES and DATABASE_ROUTERS settings: ``default`` from DATABASE_URL
    (``database_from_env``), and with DATABASE_REPLICA_URL a ``replica`` alias (a streaming replica of the
    same database: the same options, a 2 s connect timeout so a replica that is gone costs little; tests
    mirror ``default``) read by marketplace.db_router for the reads that tolerate a little lag."""
    databases = {"default": database_from_env(env, base_dir)}
    if env.str("DATABASE_REPLICA_URL", default=""):
        replica = {**databases["default"], **env.db("DATABASE_REPLICA_URL"), "TEST": {"MIRROR": "default"}}
        replica["OPTIONS"] = {**databases["default"].get("OPTIONS", {}), "connect_timeout": 2}
        databases["replica"] = replica
    return databases, ["marketplace.db_router.ReplicaRouter"]


def database_from_env(env: environ.Env, base_dir: Path) -> dict:
    """Return the default database's settings dict from *env* (DATABASE_URL, DJANGO_CONN_MAX_AGE in
    seconds, DJANGO_DB_PREPARED_STATEMENTS); SQLite in *base_dir* when DATABASE_URL is unset."""
    database = env.db("DATABASE_URL", default=f"sqlite:///{base_dir / 'db.sqlite3'}")
    # Persistent connections with health checks: a 30 s poll should not pay for a new connection.
    database["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
    database["CONN_HEALTH_CHECKS"] = True
    if database["ENGINE"] == "django.db.backends.postgresql" and env.bool(
        "DJANGO_DB_PREPARED_STATEMENTS", default=True
    ):
        # Server-side parameters let psycopg prepare a statement after 5 runs on a connection, so PostgreSQL
        # stops re-planning the hot chat queries (planning the 6-table list query costs ~2 ms, running it
        # ~0.4 ms; measured with bench/run). Turn off behind a transaction-pooling PgBouncer older than 1.21.
        database.setdefault("OPTIONS", {}).update({"server_side_binding": True, "prepare_threshold": 5})
    if database["ENGINE"] == "django.db.backends.sqlite3":
        # SQLite (make demo, make test without PostgreSQL): with several threads writing (polls, sends,
        # the live server), a deferred transaction that upgrades to a write fails at once with "database is
        # locked"; IMMEDIATE takes the write lock up front and waits (timeout, seconds) instead. WAL lets
        # readers go on during a write. The test database is a file, because the in-memory one shares a
        # cache whose table locks ignore the timeout ("database table is locked").
        database.setdefault("OPTIONS", {}).update(
            {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            }
        )
        database.setdefault("TEST", {}).setdefault("NAME", str(base_dir / ".test-db.sqlite3"))
    return database
