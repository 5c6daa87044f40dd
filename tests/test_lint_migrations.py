"""make lint's migration linter (.ci/lint_migrations.py, issue 25 item 6): it finds the unsafe operations
of the existing migrations when nothing is baselined, and none once the baseline is applied, so a new
unsafe migration fails make lint. Skipped where django-migration-linter is not installed (pip install
-e '.[test]' brings it) and on SQLite."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from django.db import connection

pytest.importorskip("django_migration_linter")
pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the linter lints for PostgreSQL, production's backend"
)
SCRIPT = Path(__file__).resolve().parent.parent / ".ci" / "lint_migrations.py"
spec = importlib.util.spec_from_file_location("lint_migrations", SCRIPT)
lint_migrations = importlib.util.module_from_spec(spec)
spec.loader.exec_module(lint_migrations)


@pytest.mark.django_db
def test_the_linter_finds_unsafe_migrations_that_are_not_baselined(capsys):
    assert lint_migrations.lint(set()) is True
    assert "(chat, 0022_conversation_change_seq)... ERR" in capsys.readouterr().out


@pytest.mark.django_db
def test_the_baselined_migrations_pass():
    baseline = lint_migrations.baseline()
    assert ("chat", "0022_conversation_change_seq") in baseline
    assert lint_migrations.lint(baseline) is False
