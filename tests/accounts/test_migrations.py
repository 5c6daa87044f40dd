"""Accounts made before sign-up asked for a confirmed address count as verified after the migration."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE_VERIFICATION = ("accounts", "0011_user_language")


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_existing_users_are_marked_verified():
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    old = _migrate([node for node in latest if node[0] != "accounts"] + [BEFORE_VERIFICATION])
    old.get_model("accounts", "User").objects.create(
        email="old@example.com", display_name="Old", password="!"
    )

    new = _migrate(latest)

    assert (
        new.get_model("accounts", "User").objects.get(email="old@example.com").email_verified_at is not None
    )
