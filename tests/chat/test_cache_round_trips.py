"""Cache round trips of the hot paths (issue 30): what a page and a delivering poll ask Redis."""

import pytest
from django.core.cache import cache, caches

from accounts import middleware
from accounts.middleware import last_seen_cache_key
from chat import services
from chat.delivery import tokens
from tests.conftest import HTMX, poll_params, poll_url

pytestmark = pytest.mark.django_db


def test_a_page_reads_both_presence_gates_in_one_round_trip_and_writes_only_when_they_lapse(
    login, conversation, buyer, monkeypatch
):

    client = login(buyer)
    client.get(conversation.get_absolute_url())  # the first page of the window writes both gates
    assert cache.get(middleware.page_open_cache_key(buyer.pk)) is not None
    gates = {last_seen_cache_key(buyer.pk), middleware.page_open_cache_key(buyer.pk)}
    calls = []

    def spy(name, method):
        def call(key_or_keys, *args, **kwargs):
            keys = {key_or_keys} if isinstance(key_or_keys, str) else set(key_or_keys)
            if keys & gates:
                calls.append(name)
            return method(key_or_keys, *args, **kwargs)

        return call

    for name in ("get_many", "add", "set"):  # (other features read these keys with get: not counted)
        monkeypatch.setattr(middleware.cache, name, spy(name, getattr(cache, name)))
    assert client.get(conversation.get_absolute_url()).status_code == 200
    assert calls == ["get_many"], "an active user's page writes neither gate"
    cache.delete(last_seen_cache_key(buyer.pk))
    calls.clear()
    client.get(conversation.get_absolute_url())
    assert calls == ["get_many", "add"], "a lapsed last-seen gate is written again"


def test_a_poll_with_something_new_reads_the_cache_once(
    login, conversation, buyer, seller, monkeypatch, django_capture_on_commit_callbacks
):
    """The gate's one round trip (the poll's token, the list token, the presence gates) serves the full
    path too: a delivering poll asks the cache nothing more (issue 30)."""

    client = login(buyer)
    params = poll_params(conversation, buyer, conversation.last_message_id)
    client.get(conversation.get_absolute_url())  # the presence gates are fresh, as on an open page
    with django_capture_on_commit_callbacks(execute=True):  # the send replaces the poll tokens
        services.message_send(conversation=conversation, sender=seller, body="Something new")
    reads, depth = [], [0]

    def spy(name, method):
        def call(*args, **kwargs):
            if not depth[0]:  # the local-memory cache's get_many calls get: count the outer call only
                reads.append((name, args[0]))
            depth[0] += 1
            try:
                return method(*args, **kwargs)
            finally:
                depth[0] -= 1

        return call

    for each in {id(c): c for c in (caches["default"], tokens._cache(), middleware.cache)}.values():
        for name in ("get", "get_many"):
            monkeypatch.setattr(each, name, spy(name, getattr(each, name)))
    response = client.get(poll_url(conversation), params, headers=HTMX)
    assert response.status_code == 200 and "Something new" in response.content.decode()
    token_reads = [read for read in reads if "chat:poll:" in str(read[1]) or "accounts:" in str(read[1])]
    assert [name for name, _ in token_reads] == ["get_many"], token_reads
