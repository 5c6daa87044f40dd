""" "Write to seller" keeps its limits exactly under concurrent requests (real threads on PostgreSQL), with
the test cache (locmem) and with Redis (django-redis, as in production)."""

from datetime import timedelta
from types import SimpleNamespace

import django_ratelimit.core
import pytest
import redis
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chat.models import Conversation, Message
from tests.chat.test_services_concurrency import run_at_once
from tests.factories import AdFactory, UserFactory
from tests.test_cache_outage import redis_caches

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent requests need PostgreSQL"),
]

LIMITS = {
    "message_by_user": [(60, 20)],
    "conversation_by_user": [(3600, 10)],
    "conversation_by_new_user": [(3600, 6)],
}
# Our own Redis database, away from a development server's (0) and test_cache_outage's (15).
REDIS_URL = "redis://127.0.0.1:6379/11"


def _redis_reachable() -> bool:
    try:
        return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.25).ping()
    except redis.RedisError:
        return False


@pytest.fixture(params=["locmem", "redis"])
def limits(request, settings, monkeypatch):
    """The limits above, counted in one frozen window (a window ending mid-test would reset them), in the
    test cache or in Redis."""
    settings.MARKETPLACE_RATE_LIMITS = {**settings.MARKETPLACE_RATE_LIMITS, **LIMITS}
    frozen = django_ratelimit.core.time.time()
    monkeypatch.setattr(django_ratelimit.core, "time", SimpleNamespace(time=lambda: frozen))
    if request.param == "redis":
        if not _redis_reachable():
            pytest.skip("needs Redis on 127.0.0.1:6379")
        settings.CACHES = redis_caches(REDIS_URL)
    caches["default"].clear()
    yield request.param
    caches["default"].clear()


def clients_of(user, count):
    """*count* clients logged in as *user*, one per thread (a test client is not shared across threads)."""
    clients = [Client() for _ in range(count)]
    for client in clients:
        client.force_login(user)
    return clients


def test_40_concurrent_writes_about_one_ad_pass_at_most_the_message_limit(limits):
    buyer = UserFactory(date_joined=timezone.now() - timedelta(days=30))
    ad = AdFactory()
    clients = clients_of(buyer, 40)
    url = reverse("chat:start", args=[ad.public_id])

    results, errors = run_at_once(40, lambda n: clients[n].post(url, {"body": f"Still available? {n}"}))

    assert errors == []
    statuses = [response.status_code for response in results]
    assert set(statuses) <= {302, 429}
    stored = Message.objects.filter(conversation__ad=ad).count()
    assert Conversation.objects.filter(ad=ad).count() == 1
    # The message that opened the conversation counts against the conversation limits, every other one
    # against message_by_user's 20 a minute.
    assert stored == statuses.count(302)
    assert stored <= 1 + 20


def test_40_concurrent_new_conversations_open_exactly_the_limit(limits):
    buyer = UserFactory(date_joined=timezone.now() - timedelta(days=30))
    ads = [AdFactory() for _ in range(40)]
    clients = clients_of(buyer, 40)

    results, errors = run_at_once(
        40, lambda n: clients[n].post(reverse("chat:start", args=[ads[n].public_id]), {"body": f"Hi {n}"})
    )

    assert errors == []
    statuses = [response.status_code for response in results]
    assert sorted(statuses) == [302] * 10 + [429] * 30
    assert Conversation.objects.filter(buyer=buyer).count() == 10
    # Refused attempts cost nothing and those that passed are counted: the hour is exactly full.
    extra = AdFactory()
    refused = clients[0].post(reverse("chat:start", args=[extra.public_id]), {"body": "one more"})
    assert refused.status_code == 429


def test_only_created_conversations_stay_counted_after_a_race(limits):
    """Eight writes about one ad at once open one conversation: the other seven are messages, so nine
    other conversations can still be opened this hour."""
    buyer = UserFactory(date_joined=timezone.now() - timedelta(days=30))
    ad = AdFactory()
    clients = clients_of(buyer, 8)
    url = reverse("chat:start", args=[ad.public_id])
    results, errors = run_at_once(8, lambda n: clients[n].post(url, {"body": f"Hello {n}"}))
    assert errors == [] and [response.status_code for response in results] == [302] * 8

    # Different texts: the same one to more than 3 sellers would be held for a moderator.
    statuses = [
        clients[0].post(reverse("chat:start", args=[AdFactory().public_id]), {"body": f"Hi {n}"}).status_code
        for n in range(10)
    ]
    assert statuses == [302] * 9 + [429]
