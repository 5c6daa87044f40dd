"""API parity for the live side of a conversation: typing pings (POST) and the other participant's
presence, by the page's rules (``chat.presence``): reciprocal "last online", no typing across a block, no
presence for a suspended participant, 404 for strangers."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import services as account_services
from marketplace import pushpin

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(monkeypatch, settings):
    """Push on (a publish URL nobody answers); records what ``pushpin.publish`` is asked to send, except
    the caller's own "online" announcements (``presence-<id>``: any request marks its user present;
    tests/chat/test_presence.py covers them)."""
    settings.MARKETPLACE_PUSH_URL = "http://127.0.0.1:9"
    calls = []

    def record(channel, events):
        if not channel.startswith("presence-"):
            calls.append((channel, events))

    monkeypatch.setattr(pushpin, "publish", record)
    return calls


def _typing(conversation):
    return reverse("api-typing", args=[conversation.public_id])


def _presence(conversation):
    return reverse("api-presence", args=[conversation.public_id])


def test_typing_reaches_the_other_participant_once_per_interval_with_no_text(
    published, token_client, conversation, buyer, seller
):
    client = token_client(seller)
    assert client.post(_typing(conversation)).status_code == 204
    assert client.post(_typing(conversation)).status_code == 204  # within MARKETPLACE_TYPING_PING_S
    assert published == [(pushpin.user_channel(buyer.pk), [(f"typing-{conversation.public_id}", "typing")])]


def test_no_typing_when_the_other_hides_last_seen_or_across_a_block(
    published, token_client, conversation, buyer, seller
):
    type(buyer).objects.filter(pk=buyer.pk).update(share_last_seen=False)
    assert token_client(seller).post(_typing(conversation)).status_code == 204
    type(buyer).objects.filter(pk=buyer.pk).update(share_last_seen=True)
    account_services.user_block(blocker=buyer, blocked=seller)
    assert token_client(seller).post(_typing(conversation)).status_code == 204
    assert published == []


def test_presence_shows_online_and_last_seen_when_both_share_it(token_client, conversation, buyer, seller):
    now = timezone.now()
    type(seller).objects.filter(pk=seller.pk).update(last_seen_at=now)
    client = token_client(buyer)
    body = client.get(_presence(conversation)).json()
    assert body["shown"] is True and body["online"] is True
    assert body["last_seen_at"] == now.isoformat().replace("+00:00", "Z")

    type(seller).objects.filter(pk=seller.pk).update(last_seen_at=now - timedelta(days=2))
    assert client.get(_presence(conversation)).json()["online"] is False


@pytest.mark.parametrize("hidden_by", ["viewer", "other", "suspended"])
def test_presence_is_hidden_by_either_setting_and_for_a_suspended_user(
    token_client, conversation, buyer, seller, hidden_by
):
    type(seller).objects.filter(pk=seller.pk).update(last_seen_at=timezone.now())
    if hidden_by == "viewer":
        type(buyer).objects.filter(pk=buyer.pk).update(share_last_seen=False)
    elif hidden_by == "other":
        type(seller).objects.filter(pk=seller.pk).update(share_last_seen=False)
    else:
        type(seller).objects.filter(pk=seller.pk).update(is_active=False)
    body = token_client(buyer).get(_presence(conversation)).json()
    assert body == {"shown": False, "online": None, "last_seen_at": None}


def test_typing_and_presence_are_404_for_strangers(token_client, conversation, stranger):
    client = token_client(stranger)
    assert client.post(_typing(conversation)).status_code == 404
    assert client.get(_presence(conversation)).status_code == 404
    assert client.get(_typing(conversation)).status_code == 405


def test_presence_costs_a_fixed_number_of_queries(
    token_client, conversation, buyer, django_assert_num_queries
):
    client = token_client(buyer)
    client.get(_presence(conversation))  # the token's last-use refresh happens once an hour
    # knox's token lookup (two reads of the token row), the conversation with both participants joined.
    with django_assert_num_queries(3):
        assert client.get(_presence(conversation)).status_code == 200
