"""Poll tokens read ahead (chat.delivery.tokens.read_ahead): a page that shows a conversation and the list
reads both tokens in one round trip, and each is still read before its data (issue 30)."""

from __future__ import annotations

import pytest
from django.core.cache import caches

from chat.delivery import tokens


@pytest.fixture
def token_cache(settings):
    cache = caches["poll" if "poll" in settings.CACHES else "default"]
    cache.clear()
    return cache


def test_read_ahead_fetches_the_tokens_once_and_hands_each_out_once(token_cache, monkeypatch):
    first, second = tokens.list_key(1), tokens.conversation_key("abc", 1)
    token_cache.set(first, "list-token")
    calls = []
    get, get_many = token_cache.get, token_cache.get_many

    def spy_get_many(*args, **kwargs):
        calls.append("get_many")
        monkeypatch.setattr(token_cache, "get", get)  # the local-memory cache's get_many calls get
        try:
            return get_many(*args, **kwargs)
        finally:
            monkeypatch.setattr(token_cache, "get", spy_get)

    def spy_get(*args, **kwargs):
        calls.append("get")
        return get(*args, **kwargs)

    monkeypatch.setattr(token_cache, "get_many", spy_get_many)
    monkeypatch.setattr(token_cache, "get", spy_get)
    with tokens.read_ahead([first, second]):
        assert tokens.read(first) == "list-token"
        assert tokens.read(second, create=False).startswith(tokens.UNSTORED_PREFIX), "known to be missing"
        assert calls == ["get_many"], "both from the one round trip"
        # The request's own change replaces a token after its commit: a later read sees the new one.
        tokens.replace(conversation_views=[], user_ids=[1])
        assert tokens.read(first) not in ("list-token", None)
    assert calls == ["get_many", "get"]
    assert tokens._read_ahead.get() is None, "the read-ahead does not outlive the block"


def test_read_ahead_with_the_cache_down_reads_as_without_it(token_cache, monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionError("down")

    monkeypatch.setattr(token_cache, "get_many", refuse)
    token_cache.set(tokens.list_key(2), "stored")
    with tokens.read_ahead([tokens.list_key(2)]):
        assert tokens.read(tokens.list_key(2)) == "stored"


def test_a_token_the_request_replaces_is_not_handed_out_from_the_read_ahead(token_cache):
    """Opening a conversation marks it read, which replaces the list token after its commit: the list pane
    that reads the token afterwards must get the new one, not the one read ahead (else it would show the
    cached list, and badge, from before the read)."""
    key = tokens.list_key(3)
    token_cache.set(key, "before-the-read")
    with tokens.read_ahead([key]):
        tokens.replace(conversation_views=[], user_ids=[3])
        assert tokens.read(key) == token_cache.get(key) != "before-the-read"
