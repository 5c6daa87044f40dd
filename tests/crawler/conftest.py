import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import override_settings

from tests.crawler.runner import STATS, Crawler
from tests.crawler.world import World


@pytest.fixture(autouse=True)
def _isolated_cache_and_media():
    """Replaces the suite's per-test media folders: the world's photos must outlive one test."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The world, built once for the module inside a transaction that is rolled back at its end."""
    media = tmp_path_factory.mktemp("crawl-media")
    hashers = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        override_settings(
            MEDIA_ROOT=media / "media",
            MARKETPLACE_PRIVATE_MEDIA_ROOT=media / "private",
            PASSWORD_HASHERS=hashers,
        ),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        built = World()
        # Sessions are made here, not in a test: each test's own transaction is rolled back at its end.
        built.crawler = Crawler(STATS)
        for user in {u for scene in built.scenes for u in scene.users.values()}:
            built.crawler.client(user)
        built.crawler.client(None)
        yield built
        transaction.set_rollback(True)
