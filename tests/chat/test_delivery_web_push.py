"""Web Push end to end: pywebpush sends to a push service stood up on loopback, and the test decrypts what
arrived with the subscription's own keys (RFC 8291), as the browser would."""

import base64
import json
import os
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import http_ece
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.core.cache import cache
from django.urls import reverse

from accounts import services as account_services
from accounts.middleware import mark_page_open
from accounts.models import PushSubscription
from chat import services
from chat.delivery import web_push
from marketplace import web_push as transport

pytestmark = pytest.mark.django_db


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class PushService(BaseHTTPRequestHandler):
    """A push service: records each POST; answers 410 for endpoints ending in /gone, 307 to
    /push/elsewhere for those ending in /moved, else 201."""

    received: list = []

    def do_POST(self):  # noqa: N802 - the http.server API
        body = self.rfile.read(int(self.headers["Content-Length"]))
        PushService.received.append(
            {"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()}, "body": body}
        )
        redirect = self.path.endswith("/moved")
        self.send_response(307 if redirect else 410 if self.path.endswith("/gone") else 201)
        if redirect:
            self.send_header("Location", "/push/elsewhere")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def push_service(settings):
    """VAPID keys configured, a loopback push service allowed; yields the service's base URL."""
    settings.MARKETPLACE_VAPID_PUBLIC_KEY, settings.MARKETPLACE_VAPID_PRIVATE_KEY = transport.generate_keys()
    settings.MARKETPLACE_WEBPUSH_ALLOW_LOOPBACK = True
    PushService.received = []
    server = HTTPServer(("127.0.0.1", 0), PushService)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


class Device:
    """A browser's push subscription: its P-256 key pair and auth secret, as PushManager.subscribe makes."""

    def __init__(self, user, endpoint):
        self.private_key = ec.generate_private_key(ec.SECP256R1())
        public = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        self.auth = os.urandom(16)
        self.subscription = account_services.push_subscription_save(
            user=user, endpoint=endpoint, p256dh=_b64url(public), auth=_b64url(self.auth)
        )

    def decrypt(self, body: bytes) -> dict:
        plain = http_ece.decrypt(
            body, private_key=self.private_key, auth_secret=self.auth, version="aes128gcm"
        )
        return json.loads(plain)


def test_a_new_message_is_pushed_encrypted_with_the_sender_ad_and_text(
    push_service, conversation, buyer, seller
):
    device = Device(seller, f"{push_service}/push/seller-phone")

    assert web_push.push_unread() == 1

    (request,) = PushService.received
    assert request["path"] == "/push/seller-phone"
    assert request["headers"]["content-encoding"] == "aes128gcm"
    assert request["headers"]["authorization"].startswith("vapid t=")
    assert int(request["headers"]["ttl"]) == transport.TTL_S
    assert b"Walnut sofa" not in request["body"]  # the push service sees ciphertext only
    payload = device.decrypt(request["body"])
    assert payload == {
        "title": "Bea Buyer",
        "body": "Walnut sofa: Hi! Is this still available?",
        "url": f"http://127.0.0.1:8000{conversation.get_absolute_url()}",
        "tag": f"conversation-{conversation.public_id}",
    }
    assert PushSubscription.objects.get().last_sent_at is not None


def test_one_push_per_burst_until_the_conversation_is_read(push_service, conversation, buyer, seller):
    Device(seller, f"{push_service}/push/seller-phone")
    web_push.push_unread()
    services.message_send(conversation=conversation, sender=buyer, body="Hello?")
    services.message_send(conversation=conversation, sender=buyer, body="Are you there?")

    assert web_push.push_unread() == 0  # the first notification is still unread
    services.conversation_mark_read(
        conversation=conversation, user=seller, up_to_message_id=conversation.messages.latest("id").id
    )
    services.message_send(conversation=conversation, sender=buyer, body="One more thing")
    assert web_push.push_unread() == 1
    assert len(PushService.received) == 2


def test_the_text_of_a_flagged_message_is_never_pushed(push_service, conversation, buyer, seller):
    device = Device(seller, f"{push_service}/push/seller-phone")
    services.message_send(conversation=conversation, sender=buyer, body="Pay the deposit by Western Union")

    web_push.push_unread()

    payload = device.decrypt(PushService.received[0]["body"])
    assert payload["body"] == "New message about “Walnut sofa”"
    assert "Western Union" not in json.dumps(payload)


def test_no_push_while_a_page_is_open_or_the_conversation_is_muted(push_service, conversation, buyer, seller):
    Device(seller, f"{push_service}/push/seller-phone")
    mark_page_open(seller.pk)
    assert web_push.push_unread() == 0

    cache.clear()  # the page closed: its mark expired
    services.conversation_set_muted(conversation=conversation, user=seller, muted=True)
    assert web_push.push_unread() == 0
    services.conversation_set_muted(conversation=conversation, user=seller, muted=False)
    assert web_push.push_unread() == 1


def test_a_gone_subscription_is_deleted_and_the_other_device_still_gets_it(
    push_service, conversation, buyer, seller
):
    Device(seller, f"{push_service}/push/old-laptop/gone")
    phone = Device(seller, f"{push_service}/push/phone")

    assert web_push.push_unread() == 1

    assert list(PushSubscription.objects.values_list("pk", flat=True)) == [phone.subscription.pk]


def test_a_redirect_from_the_push_service_is_not_followed(push_service, conversation, seller):
    Device(seller, f"{push_service}/push/moved")

    assert web_push.push_unread() == 0

    assert [request["path"] for request in PushService.received] == ["/push/moved"]


def test_an_unreachable_push_service_costs_one_notification_not_an_error(settings, conversation, seller):
    settings.MARKETPLACE_VAPID_PUBLIC_KEY, settings.MARKETPLACE_VAPID_PRIVATE_KEY = transport.generate_keys()
    settings.MARKETPLACE_WEBPUSH_ALLOW_LOOPBACK = True
    Device(seller, "http://127.0.0.1:9/push/nobody-listens")

    assert web_push.push_unread() == 0  # logged; the unread email is the fallback


def test_without_vapid_keys_nothing_is_pushed(settings, conversation, seller, monkeypatch):
    settings.MARKETPLACE_VAPID_PRIVATE_KEY = ""
    monkeypatch.setattr(transport, "send", lambda **kwargs: pytest.fail("no push without keys"))
    assert web_push.push_unread() == 0


# --- Subscribing and removing devices ----------------------------------------------------------------


def _subscription_json(endpoint):
    key = ec.generate_private_key(ec.SECP256R1()).public_key()
    public = key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return json.dumps(
        {"endpoint": endpoint, "keys": {"p256dh": _b64url(public), "auth": _b64url(os.urandom(16))}}
    )


def test_a_device_subscribes_and_is_listed_and_removable_on_the_profile(login, seller, stranger):
    client = login(seller)
    response = client.post(
        reverse("accounts:push_subscribe"),
        _subscription_json("https://fcm.googleapis.com/fcm/send/abc123"),
        content_type="application/json",
        headers={"User-Agent": "Mozilla/5.0 (Linux; Android 14) Chrome/131.0 Mobile Safari/537.36"},
    )
    assert response.status_code == 201
    subscription = PushSubscription.objects.get(user=seller)
    assert subscription.device == "Chrome on Android"
    assert "Chrome on Android" in client.get(reverse("accounts:profile")).content.decode()

    remove = reverse("accounts:push_remove", args=[subscription.pk])
    assert login(stranger).post(remove).status_code == 404
    assert login(seller).post(remove).status_code == 302
    assert not PushSubscription.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        json.dumps(["a list"]),
        json.dumps({"endpoint": "https://fcm.googleapis.com/x", "keys": {"p256dh": "short", "auth": "x"}}),
        _subscription_json("https://evil.example.com/collect"),
        _subscription_json("http://fcm.googleapis.com/fcm/send/plain-http"),
        _subscription_json("https://10.0.0.5/internal"),
    ],
)
def test_a_bad_or_foreign_subscription_is_refused_with_a_reason(login, seller, body):
    response = login(seller).post(reverse("accounts:push_subscribe"), body, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["code"] and response.json()["message"]
    assert not PushSubscription.objects.exists()


def test_the_service_worker_is_served_from_the_root(client):
    response = client.get("/sw.js")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert "showNotification" in response.content.decode()
    assert "no-cache" in response["Cache-Control"]
