from datetime import timedelta
from types import SimpleNamespace

import django_ratelimit.core
import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from accounts import services as account_services
from ads.models import Ad
from chat.errors import ERROR_MESSAGES
from chat.models import Conversation, Message
from marketplace.ratelimits import wait_text
from tests.conftest import HTMX
from tests.factories import TEST_PASSWORD, AdFactory, UserFactory


@pytest.fixture(autouse=True)
def _one_rate_limit_window(monkeypatch):
    """Freeze django-ratelimit's clock: its windows end at a per-key offset of the wall clock, so a test
    whose sends straddle a window's end saw its counters reset (40 of 100 sends stored instead of 20)."""
    frozen = django_ratelimit.core.time.time()
    monkeypatch.setattr(django_ratelimit.core, "time", SimpleNamespace(time=lambda: frozen))


def test_100_messages_in_a_minute_deliver_20_and_refuse_the_rest_in_place(login, conversation, buyer):
    client = login(buyer)
    url = reverse("chat:send", args=[conversation.public_id])
    refused = []
    for n in range(100):
        response = client.post(url, {"body": f"spam {n}", "after": 0}, headers=HTMX)
        assert response.status_code == 200
        if response.get("HX-Retarget") == "#composer":
            refused.append((n, response.content.decode()))
    stored = Message.objects.filter(conversation=conversation, body__startswith="spam ").count()
    assert stored == 20
    assert len(refused) == 80
    first_refused_n, body = refused[0]
    assert first_refused_n == 20
    assert "Please slow down and try again in" in body
    assert "spam 20" in body  # the typed text stays in the composer

    # Without htmx: 429 with Retry-After, the page still holds the text.
    response = client.post(url, {"body": "one more"})
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert "one more" in response.content.decode()


def test_new_accounts_open_6_conversations_an_hour_older_ones_10(db, login):
    newcomer = UserFactory()
    client = login(newcomer)
    ads = [AdFactory() for _ in range(7)]
    for n, ad in enumerate(ads[:6]):
        response = client.post(reverse("chat:start", args=[ad.public_id]), {"body": f"Hi! ({n})"})
        assert response.status_code == 302
    response = client.post(reverse("chat:start", args=[ads[6].public_id]), {"body": "Is it available?"})
    assert response.status_code == 429
    assert "Is it available?" in response.content.decode()
    assert "try again in" in response.content.decode()
    assert not Conversation.objects.filter(ad=ads[6]).exists()
    # Writing again in an existing conversation is a message, not a new conversation.
    assert client.post(reverse("chat:start", args=[ads[0].public_id]), {"body": "Still?"}).status_code == 302

    regular = UserFactory(date_joined=timezone.now() - timedelta(days=30))
    client = login(regular)
    statuses = [
        client.post(reverse("chat:start", args=[AdFactory().public_id]), {"body": f"Hello ({n})"}).status_code
        for n in range(11)
    ]
    assert statuses == [302] * 10 + [429]


def test_only_conversations_actually_created_count_against_the_newcomer_limit(db, login):
    newcomer = UserFactory()
    client = login(newcomer)
    sold = AdFactory(status=Ad.Status.SOLD)
    blocker = UserFactory()
    account_services.user_block(blocker=blocker, blocked=newcomer)
    blocked_ad = AdFactory(owner=blocker)
    reused = AdFactory()
    client.post(reverse("chat:start", args=[reused.public_id]), {"body": "Hi"})
    for n in range(10):  # refused attempts and a reused conversation cost nothing
        client.post(reverse("chat:start", args=[sold.public_id]), {"body": f"sold? {n}"})
        client.post(reverse("chat:start", args=[blocked_ad.public_id]), {"body": f"hello? {n}"})
    for n in range(2):
        client.post(reverse("chat:start", args=[reused.public_id]), {"body": f"again {n}"})
    for n in range(5):
        response = client.post(reverse("chat:start", args=[AdFactory().public_id]), {"body": f"Hi ({n})"})
        assert response.status_code == 302, n
    assert Conversation.objects.filter(buyer=newcomer).count() == 6


def test_a_block_is_the_reason_given_even_when_the_limit_is_full(db, login):
    newcomer = UserFactory()
    client = login(newcomer)
    for n in range(6):
        client.post(reverse("chat:start", args=[AdFactory().public_id]), {"body": f"Hi ({n})"})
    blocker = UserFactory()
    account_services.user_block(blocker=blocker, blocked=newcomer)
    response = client.post(
        reverse("chat:start", args=[AdFactory(owner=blocker).public_id]), {"body": "Hello"}
    )
    assert response.status_code == 400
    assert escape(str(ERROR_MESSAGES["blocked_start"])) in response.content.decode()
    assert "slow down" not in response.content.decode()


def test_login_attempts_per_address_are_limited_even_with_the_right_password(client, buyer):
    url = reverse("accounts:login")
    for _ in range(10):
        response = client.post(url, {"username": buyer.email, "password": "wrong"})
        assert response.status_code == 200
    response = client.post(url, {"username": buyer.email, "password": TEST_PASSWORD})
    assert response.status_code == 429
    assert "Please slow down" in response.content.decode()
    assert buyer.email in response.content.decode()
    assert "_auth_user_id" not in client.session
    # The counters live in the shared cache (Redis in production), not in the process.
    cache.clear()
    assert client.post(url, {"username": buyer.email, "password": TEST_PASSWORD}).status_code == 302


def test_wait_text():
    assert wait_text(5) == "5 s"
    assert wait_text(600) == "10 min"
    assert wait_text(7200) == "2 h"


def test_wrong_passwords_for_one_account_from_many_addresses_are_refused(client, buyer):
    url = reverse("accounts:login")
    statuses = []
    for attempt in range(70):  # 7 addresses, 10 tries each: under every per-address limit
        address = f"203.0.113.{attempt // 10 + 1}"
        response = client.post(
            url, {"username": buyer.email, "password": f"guess{attempt}"}, REMOTE_ADDR=address
        )
        statuses.append(response.status_code)
    assert statuses[:10] == [200] * 10  # wrong password, form again
    assert set(statuses[10:]) == {429}
    # Even the right password is not checked from an unknown browser while the account is held.
    response = client.post(
        url, {"username": buyer.email.upper(), "password": TEST_PASSWORD}, REMOTE_ADDR="198.51.100.9"
    )
    assert response.status_code == 429
    assert "Too many wrong passwords for this account" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_browser_that_logged_in_before_is_not_locked_out_by_someone_elses_guessing(buyer):
    own_laptop = Client()
    url = reverse("accounts:login")
    assert own_laptop.post(url, {"username": buyer.email, "password": TEST_PASSWORD}).status_code == 302
    own_laptop.post(reverse("accounts:logout"))
    attacker = Client()
    for attempt in range(15):
        attacker.post(url, {"username": buyer.email, "password": "nope"}, REMOTE_ADDR=f"192.0.2.{attempt}")
    assert attacker.post(url, {"username": buyer.email, "password": TEST_PASSWORD}).status_code == 429
    response = own_laptop.post(
        url, {"username": buyer.email, "password": TEST_PASSWORD}, REMOTE_ADDR="10.0.0.2"
    )
    assert response.status_code == 302
    assert own_laptop.session["_auth_user_id"] == str(buyer.pk)
