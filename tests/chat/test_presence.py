"""Presence by push: the stream follows the presence of the user's recent conversation partners (bounded),
the ``pagehide`` beacon marks the user away (CSRF, once a minute), and the next request brings them back
online; each change is one publish on the user's presence channel."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import services as account_services
from accounts.models import User
from chat import services
from chat.delivery import stream
from marketplace import pushpin
from tests.chat.test_live import _grip_sig, published  # noqa: F401 - the fixture
from tests.factories import AdFactory, UserFactory

pytestmark = pytest.mark.django_db


def _stream_channels(client, settings) -> set[str]:
    settings.MARKETPLACE_PUSH_URL = "http://127.0.0.1:5561"
    response = client.get(
        reverse("chat:stream"), headers={"Grip-Sig": _grip_sig(settings.MARKETPLACE_PUSH_SIG_KEY)}
    )
    return {channel.strip() for channel in response["Grip-Channel"].split(",")}


def test_the_stream_follows_the_presence_of_recent_partners_who_share_it(
    client, buyer, settings, monkeypatch
):
    monkeypatch.setattr(stream, "PRESENCE_FAN_OUT", 2)
    sellers = [UserFactory() for _ in range(4)]
    for seller in sellers:  # the last one started is the most recent
        services.conversation_start(buyer=buyer, ad=AdFactory(owner=seller), body="Hi")
    account_services.user_update_profile(user=sellers[3], display_name="Quiet", share_last_seen=False)
    client.force_login(buyer)

    channels = _stream_channels(client, settings)

    # The 2 most recent conversations: sellers 3 (does not share last seen: not followed) and 2.
    assert channels == {pushpin.user_channel(buyer.pk), pushpin.presence_channel(sellers[2].pk)}

    account_services.user_block(blocker=sellers[2], blocked=buyer)
    assert _stream_channels(client, settings) == {pushpin.user_channel(buyer.pk)}


def test_nobody_s_presence_is_followed_by_someone_who_hides_their_own(client, buyer, conversation, settings):
    account_services.user_update_profile(user=buyer, display_name="Bea", share_last_seen=False)
    client.force_login(buyer)
    assert _stream_channels(client, settings) == {pushpin.user_channel(buyer.pk)}


def test_the_away_beacon_needs_the_csrf_token(buyer, published):  # noqa: F811
    client = Client(enforce_csrf_checks=True)
    client.force_login(buyer)
    assert client.post(reverse("accounts:presence_away")).status_code == 403
    assert User.objects.get(pk=buyer.pk).left_at is None


def test_closing_the_site_shows_last_seen_and_the_next_request_online(client, buyer, published):  # noqa: F811
    cache.clear()
    client.force_login(buyer)
    client.get(reverse("chat:list"))  # last seen written: online
    assert User.objects.get(pk=buyer.pk).is_online()
    published.clear()

    assert client.post(reverse("accounts:presence_away")).status_code == 204
    away = User.objects.get(pk=buyer.pk)
    assert not away.is_online() and away.left_at == away.last_seen_at  # "last seen just now"
    assert published == [(pushpin.presence_channel(buyer.pk), [(f"presence-{buyer.pk}", "{}")])]

    # A second beacon within the minute (a reload, another tab) writes and publishes nothing.
    client.post(reverse("accounts:presence_away"))
    assert User.objects.get(pk=buyer.pk).left_at == away.left_at and len(published) == 1

    client.get(reverse("chat:list"))  # back: the first request writes last seen again
    assert User.objects.get(pk=buyer.pk).is_online() and len(published) == 2


def test_online_needs_a_request_after_leaving():
    now = timezone.now()
    user = User(last_seen_at=now, left_at=now)
    assert not user.is_online(now=now)
    user.last_seen_at = now + timezone.timedelta(seconds=1)
    assert user.is_online(now=now)


def test_the_open_conversation_s_status_refreshes_on_the_partner_s_presence_event(
    login, conversation, buyer, seller
):
    body = login(buyer).get(conversation.get_absolute_url()).content.decode()
    assert f"sse:presence-{seller.pk}" in body
