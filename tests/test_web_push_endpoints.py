"""Web Push endpoints cannot point the server at itself or its network (SSRF): refused when subscribing
(parsed as the HTTP client parses them) and checked again, resolved, just before each send."""

import base64
import json
import os
import socket

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import PushSubscription
from chat.delivery import web_push
from marketplace import web_push as transport

pytestmark = pytest.mark.django_db

GOOD_ENDPOINT = "https://fcm.googleapis.com/fcm/send/abc123"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def p256dh() -> str:
    key = ec.generate_private_key(ec.SECP256R1()).public_key()
    return b64url(key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint))


def subscribe(client, endpoint=GOOD_ENDPOINT, *, key=None, auth=None):
    keys = {"p256dh": key or p256dh(), "auth": auth or b64url(os.urandom(16))}
    body = json.dumps({"endpoint": endpoint, "keys": keys})
    return client.post(reverse("accounts:push_subscribe"), body, content_type="application/json")


@pytest.mark.parametrize(
    "endpoint",
    [
        "https://127.0.0.1\\@fcm.googleapis.com/x",  # urllib.parse and urllib3 disagree on the host
        "https://169.254.169.254\\@fcm.googleapis.com/latest/meta-data/",
        "https://user@fcm.googleapis.com/x",
        "https://fcm.googleapis.com@10.0.0.5/x",
        "https://fcm.googleapis.com:8443/x",
        "https://fcm.googleapis.com:80/x",
        "http://fcm.googleapis.com/x",
        "https://127.0.0.1/x",
        "https://[::1]/x",
        "https://169.254.169.254/x",
        "https://10.0.0.5/x",
        "http://127.0.0.1:8000/x",  # the tests' loopback push service, off outside tests
        "https://fcm.googleapis.com.evil.example/x",
        "https://evil.example/fcm.googleapis.com/x",
        "https://fcm.googleapis.com\u3002evil.example/x",
    ],
)
def test_an_endpoint_off_the_push_services_is_refused(login, seller, endpoint):
    response = subscribe(login(seller), endpoint)

    assert response.status_code == 400
    assert response.json() == {
        "code": "push_endpoint",
        "message": "This browser's push service is not supported.",
    }
    assert not PushSubscription.objects.exists()


@pytest.mark.parametrize(
    "endpoint",
    ["https://fcm.googleapis.com\t/x", "https://fcm.googleapis.com /x", "//fcm.googleapis.com/x", "", None],
)
def test_the_check_itself_refuses_what_the_form_would_normalise(endpoint):
    # The form strips tabs and adds a missing scheme; the notifier checks stored rows without it.
    with pytest.raises(ValidationError) as refused:
        transport.check_endpoint(endpoint)
    assert refused.value.code == "push_endpoint"


@pytest.mark.parametrize(
    ("key", "auth"),
    [
        (b64url(b"\x04" + b"\x01" * 64), None),  # 65 bytes, not a point on P-256
        (b64url(os.urandom(65)), None),
        (None, b64url(os.urandom(15))),
        (None, b64url(os.urandom(17))),
        (None, "!" * 22),
    ],
    ids=["off_curve", "random", "auth_15", "auth_17", "auth_not_base64"],
)
def test_keys_that_cannot_encrypt_are_refused(login, seller, key, auth):
    response = subscribe(login(seller), key=key, auth=auth)

    assert response.status_code == 400 and response.json()["code"] in ("push_keys", "bad_subscription")
    assert not PushSubscription.objects.exists()


def test_a_push_service_endpoint_with_good_keys_is_stored(login, seller):
    assert subscribe(login(seller), "https://FCM.googleapis.com:443/fcm/send/abc").status_code == 201
    assert subscribe(login(seller), "https://updates.push.services.mozilla.com/wpush/v2/x").status_code == 201
    assert PushSubscription.objects.count() == 2


# --- At send time -----------------------------------------------------------------------------------


@pytest.fixture
def due(settings, conversation, seller):
    """VAPID keys set and an unread message for *seller*, whose device has GOOD_ENDPOINT."""
    settings.MARKETPLACE_VAPID_PUBLIC_KEY, settings.MARKETPLACE_VAPID_PRIVATE_KEY = transport.generate_keys()
    return PushSubscription.objects.create(
        user=seller, endpoint=GOOD_ENDPOINT, p256dh=p256dh(), auth=b64url(os.urandom(16))
    )


def resolve_to(monkeypatch, address: str) -> list:
    """Make every name resolve to *address*; return the names looked up."""
    looked_up = []

    def getaddrinfo(host, port, *args, **kwargs):
        looked_up.append(host)
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        return [(family, socket.SOCK_STREAM, 6, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return looked_up


class Accepted:
    status_code = 201


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.9",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "::1",
        "fe80::1",
        "fd00::1",
        "::ffff:10.0.0.1",
        "224.0.0.1",
    ],
)
def test_a_name_resolving_to_a_private_address_is_not_sent_to(due, monkeypatch, address):
    looked_up = resolve_to(monkeypatch, address)
    monkeypatch.setattr(transport, "webpush", lambda **kwargs: pytest.fail("connected to " + address))

    assert web_push.push_unread() == 0

    assert looked_up == ["fcm.googleapis.com"]
    assert not PushSubscription.objects.exists()  # dropped: the device may subscribe again


def test_a_name_resolving_to_a_public_address_is_sent_to(due, monkeypatch):
    resolve_to(monkeypatch, "142.250.74.106")
    sent = []
    monkeypatch.setattr(transport, "webpush", lambda **kwargs: sent.append(kwargs) or Accepted())

    assert web_push.push_unread() == 1

    assert [call["subscription_info"]["endpoint"] for call in sent] == [GOOD_ENDPOINT]


def test_an_endpoint_stored_before_the_checks_is_never_connected_to(due, monkeypatch):
    PushSubscription.objects.filter(pk=due.pk).update(endpoint="https://127.0.0.1\\@fcm.googleapis.com/x")
    monkeypatch.setattr(socket, "getaddrinfo", lambda *args, **kwargs: pytest.fail("resolved"))
    monkeypatch.setattr(transport, "webpush", lambda **kwargs: pytest.fail("connected"))

    assert web_push.push_unread() == 0
    assert not PushSubscription.objects.exists()


def test_a_name_that_does_not_resolve_keeps_the_subscription(due, monkeypatch):
    def fail(*args, **kwargs):
        raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")

    monkeypatch.setattr(socket, "getaddrinfo", fail)
    monkeypatch.setattr(transport, "webpush", lambda **kwargs: pytest.fail("connected"))

    assert web_push.push_unread() == 0
    assert PushSubscription.objects.filter(pk=due.pk).exists()
