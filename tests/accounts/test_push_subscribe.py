"""/accounts/push/subscribe/: whatever the body, a 400 with ``{code, message}`` and nothing stored, never a
500; a good subscription is stored."""

import base64
import json
import os

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.test import Client
from django.urls import reverse

from accounts.models import PushSubscription

pytestmark = pytest.mark.django_db

URL = reverse("accounts:push_subscribe")


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def p256dh() -> str:
    key = ec.generate_private_key(ec.SECP256R1()).public_key()
    return b64url(key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint))


def subscription(endpoint="https://fcm.googleapis.com/fcm/send/abc123", *, key=None, auth=None) -> dict:
    return {"endpoint": endpoint, "keys": {"p256dh": key or p256dh(), "auth": auth or b64url(os.urandom(16))}}


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"[" * 50_000, "application/json"),
        (b'{"keys":' * 50_000, "application/json"),
        (json.dumps(subscription("https://fcm.googleapis.com/fcm/send/\ud800")), "application/json"),
        (rb'{"\ud800": "x"}', "application/json"),
        (b'{"endpoint": "https://fcm.googleapis.com/x", "keys": ["a"]}', "application/json"),
        (b'{"endpoint": "https://fcm.googleapis.com/x", "keys": "abc"}', "application/json"),
        (b"null", "application/json"),
        (b'"text"', "application/json"),
        (b"endpoint=https%3A%2F%2Ffcm.googleapis.com%2Fx", "application/x-www-form-urlencoded"),
        (None, "multipart/form-data"),
    ],
    ids=[
        "deep_array",
        "deep_object",
        "surrogates",
        "surrogate_key",
        "keys_list",
        "keys_string",
        "null",
        "string",
        "form",
        "multipart",
    ],
)
def test_a_malformed_body_is_a_400_with_a_code(seller, body, content_type):
    # With the CSRF check on, as in production: for a form body it reads the stream first.
    client = Client(enforce_csrf_checks=True)
    client.force_login(seller)
    client.cookies["csrftoken"] = token = "x" * 32
    client.defaults["HTTP_X_CSRFTOKEN"] = token
    if content_type == "multipart/form-data":
        response = client.post(URL, {"endpoint": "https://fcm.googleapis.com/x", "p256dh": "x"})
    else:
        response = client.post(URL, body, content_type=content_type)

    assert response.status_code == 400
    assert response.json() == {"code": "bad_subscription", "message": "The subscription could not be read."}
    assert not PushSubscription.objects.exists()


def test_a_good_subscription_is_stored(login, seller):
    body = subscription()
    response = login(seller).post(URL, json.dumps(body), content_type="application/json")

    assert response.status_code == 201
    stored = PushSubscription.objects.get(pk=response.json()["id"])
    assert (stored.user, stored.endpoint, stored.p256dh) == (seller, body["endpoint"], body["keys"]["p256dh"])
