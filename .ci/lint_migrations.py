"""make lint: django-migration-linter over the project's migrations (a column dropped or renamed while the
old release still reads it, a NOT NULL column without a default, an index built without CONCURRENTLY on
PostgreSQL, ...): what would break the release still serving while a deploy migrates (the migration drill,
deploy/migrate-drill.sh). Lints for PostgreSQL, production's backend (DATABASE_URL names the server; its
"postgres" database is used, since the project's may not exist yet); skipped, and said so, when
DATABASE_URL is not PostgreSQL, except under CI=true.

The migrations that existed when the linter came in are baselined in .ci/migrations-baseline.txt (one
``app_label name`` a line): they have run everywhere already, rewriting them changes nothing, and their
findings are listed there. A new migration is linted; an intended exception is written in the
migration itself (``django_migration_linter.IgnoreMigration()`` among its operations, with the reason in a
comment). Exit status 1 when a linted migration has an error.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BASELINE = Path(__file__).with_name("migrations-baseline.txt")


def baseline() -> set[tuple[str, str]]:
    """The baselined migrations: {(app_label, name)} from BASELINE (``#`` starts a comment)."""
    entries = set()
    for line in BASELINE.read_text().splitlines():
        words = line.split("#", 1)[0].split()
        if words:
            entries.add((words[0], words[1]))
    return entries


def lint(known: set[tuple[str, str]]) -> bool:
    """Lint every migration of the project's apps but those in *known* ({(app_label, name)}); print the
    findings and return True when one of them is an error. Needs Django set up."""
    from django_migration_linter import MigrationLinter

    class Linter(MigrationLinter):
        def should_ignore_migration(self, app_label, migration_name, *args, **kwargs):
            if (app_label, migration_name) in known:
                return True
            return super().should_ignore_migration(app_label, migration_name, *args, **kwargs)

    linter = Linter(str(ROOT), no_cache=True, quiet=["ignore", "ok"])
    logging.getLogger("django_migration_linter").setLevel(logging.WARNING)  # not every sqlmigrate call
    linter.lint_all_migrations()
    return linter.has_errors


def main() -> int:
    sys.path.insert(0, str(ROOT))
    # sqlmigrate needs a connection to the server, not the project's database, which may not exist yet
    # (CI lints before the tests create theirs): on PostgreSQL, connect to the "postgres" database.
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        # Its judgement is the backend's (SQLite rebuilds tables where PostgreSQL alters them): production's.
        print("django-migration-linter skipped: it lints against PostgreSQL (set DATABASE_URL; CI does)")
        return 1 if os.environ.get("CI") == "true" else 0
    os.environ["DATABASE_URL"] = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
    import django

    django.setup()
    try:
        import django_migration_linter  # noqa: F401
    except ImportError:
        print("django-migration-linter is missing: make venv (pip install -e '.[test]')", file=sys.stderr)
        return 1
    known = baseline()
    if lint(known):
        return 1
    print(f"django-migration-linter: no error in the migrations after the {len(known)} baselined")
    return 0


if __name__ == "__main__":
    sys.exit(main())
