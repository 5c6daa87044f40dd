"""Redis is a cache: with it unreachable the site keeps working from the database, and recovers by itself."""

import json
import re
import socket

import pytest
import redis
from django.core.cache import caches
from django.db import OperationalError
from django.urls import reverse

from chat import delivery
from chat.delivery import tokens
from chat.models import Message
from tests.conftest import HTMX, poll_params, poll_url
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def redis_caches(location: str) -> dict:
    """The production cache layout (marketplace/settings.py) pointed at *location*."""
    options = {"SOCKET_CONNECT_TIMEOUT": 0.25, "SOCKET_TIMEOUT": 0.25}
    backend = "django_redis.cache.RedisCache"
    return {
        "default": {
            "BACKEND": backend,
            "LOCATION": location,
            "OPTIONS": {**options, "IGNORE_EXCEPTIONS": True},
        },
        "poll": {"BACKEND": backend, "LOCATION": location, "OPTIONS": options},
    }


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed again when the probe is


@pytest.fixture
def redis_down(settings):
    settings.CACHES = redis_caches(f"redis://127.0.0.1:{closed_port()}/0")
    yield
    tokens._stale_keys.clear()


def test_with_redis_down_login_pages_sends_and_polls_answer_without_a_server_error(
    client, redis_down, conversation, buyer, seller
):
    statuses = {}
    response = client.post(reverse("accounts:login"), {"username": buyer.email, "password": TEST_PASSWORD})
    statuses["login"] = response.status_code
    assert response.status_code == 302
    statuses["ads"] = client.get(reverse("ads:list")).status_code
    statuses["ad"] = client.get(conversation.ad.get_absolute_url()).status_code
    statuses["list"] = client.get(reverse("chat:list")).status_code
    page = client.get(conversation.get_absolute_url())
    statuses["conversation"] = page.status_code
    [_offer_key, composer_key] = re.findall(r'name="idempotency_key" value="([^"]+)"', page.content.decode())
    url = reverse("chat:send", args=[conversation.public_id])
    data = {"body": "Sent while Redis is down", "after": 0, "idempotency_key": composer_key}
    statuses["send"] = client.post(url, data, headers=HTMX).status_code
    statuses["send again"] = client.post(url, data, headers=HTMX).status_code
    statuses["poll"] = client.get(
        poll_url(conversation), poll_params(conversation, buyer, 0), headers=HTMX
    ).status_code
    statuses["list poll"] = client.get(reverse("chat:list_poll"), {"token": "x"}, headers=HTMX).status_code
    statuses["badge"] = client.get(reverse("chat:unread_badge"), {"token": "x"}, headers=HTMX).status_code

    assert all(status < 500 for status in statuses.values()), statuses
    assert Message.objects.filter(body="Sent while Redis is down").count() == 1
    # The other side sees it (the poll goes the full path: no token can be trusted).
    client.force_login(seller)
    assert "Sent while Redis is down" in client.get(conversation.get_absolute_url()).content.decode()


def _redis_reachable() -> bool:
    try:
        return redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=0.25).ping()
    except redis.RedisError:
        return False


@pytest.mark.skipif(not _redis_reachable(), reason="needs Redis on 127.0.0.1:6379")
def test_a_token_that_could_not_be_replaced_is_deleted_when_redis_answers_again(
    settings, monkeypatch, committed
):
    settings.CACHES = redis_caches("redis://127.0.0.1:6379/15")
    poll_cache = caches["poll"]
    poll_cache.clear()
    key = tokens.list_key(42)
    stale = tokens.read(key)

    def split(*args, **kwargs):
        raise redis.ConnectionError("network split")

    # Redis unreachable when a change commits: the token cannot be replaced...
    monkeypatch.setattr(poll_cache, "set_many", split)
    monkeypatch.setattr(poll_cache, "delete_many", split)
    with committed():
        delivery.announce(user_ids=[42])
    assert tokens.peek_many([key]) == {}  # ...and is not trusted meanwhile
    # ...then Redis is back with its old data: the stale token must not answer "nothing new".
    monkeypatch.undo()
    assert tokens.read(key) != stale
    assert tokens._stale_keys == set()
    poll_cache.clear()


def test_a_send_whose_answer_cannot_be_rendered_is_stored_once_and_answered_200(
    login, conversation, buyer, monkeypatch
):
    def database_gone(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr("chat.responses.render_new_messages", database_gone)
    client = login(buyer)
    data = {"body": "Committed, then the lights went out", "after": 0, "idempotency_key": "g" * 21}
    response = client.post(reverse("chat:send", args=[conversation.public_id]), data, headers=HTMX)
    assert response.status_code == 200
    assert response["HX-Reswap"] == "none"
    event = json.loads(response["HX-Trigger"])["chat:sent"]
    assert event["key"] != "g" * 21
    assert Message.objects.filter(body=data["body"]).count() == 1


def test_last_seen_failing_after_the_view_does_not_fail_the_send(login, conversation, buyer, monkeypatch):
    def database_gone(*args, **kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr("accounts.services.user_touch_last_seen", database_gone)
    client = login(buyer)
    response = client.post(
        reverse("chat:send", args=[conversation.public_id]), {"body": "still fine", "after": 0}
    )
    assert response.status_code == 302
    assert Message.objects.filter(body="still fine").count() == 1
