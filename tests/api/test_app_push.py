"""Native push for apps: device registration in the API, and the FCM HTTP v1 sender behind Web Push's
"user away" rule, against a loopback fake of Google's OAuth token endpoint and of FCM's send endpoint
that check the service account's signed JWT, the bearer token and the payload."""

import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, HTTPServer

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.cache import cache
from django.urls import reverse
from rest_framework.test import APIClient

from accounts import services as account_services
from accounts.middleware import mark_page_open
from accounts.models import AppPushDevice
from chat import services as chat_services
from chat.delivery import web_push
from marketplace import fcm

pytestmark = pytest.mark.django_db
PUSH = reverse("api-device-push")
ACCESS_TOKEN = "ya29.fake-access-token"
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


class FakeGoogle(BaseHTTPRequestHandler):
    """/token: verifies the JWT-bearer assertion with the service account's public key, answers an access
    token. /v1/projects/demo/messages:send: wants that token as the bearer, records the message; a
    registration token in ``gone`` gets FCM's 404 UNREGISTERED."""

    token_url = ""
    exchanges: list = []
    messages: list = []
    gone: set = set()

    def do_POST(self):  # noqa: N802 - the http.server API
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if self.path == "/token":
            form = urllib.parse.parse_qs(body.decode())
            assert form["grant_type"] == ["urn:ietf:params:oauth:grant-type:jwt-bearer"]
            claims = jwt.decode(
                form["assertion"][0], KEY.public_key(), algorithms=["RS256"], audience=FakeGoogle.token_url
            )
            FakeGoogle.exchanges.append(claims)
            return self._answer(
                200, {"access_token": ACCESS_TOKEN, "expires_in": 3599, "token_type": "Bearer"}
            )
        if self.path != "/v1/projects/demo/messages:send":
            return self._answer(404, {})
        if self.headers.get("Authorization") != f"Bearer {ACCESS_TOKEN}":
            return self._answer(401, {"error": {"status": "UNAUTHENTICATED"}})
        message = json.loads(body)["message"]
        if message["token"] in FakeGoogle.gone:
            return self._answer(
                404, {"error": {"status": "NOT_FOUND", "details": [{"errorCode": "UNREGISTERED"}]}}
            )
        FakeGoogle.messages.append(message)
        return self._answer(200, {"name": "projects/demo/messages/1"})

    def _answer(self, code, body):
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def google(settings, tmp_path):
    FakeGoogle.exchanges, FakeGoogle.messages, FakeGoogle.gone = [], [], set()
    fcm._access.clear()
    server = HTTPServer(("127.0.0.1", 0), FakeGoogle)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    FakeGoogle.token_url = f"{base}/token"
    pem = KEY.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    account = {
        "type": "service_account",
        "project_id": "demo",
        "private_key_id": "k1",
        "private_key": pem,
        "client_email": "push@demo.iam.gserviceaccount.com",
        "token_uri": "https://oauth2.googleapis.com/token",
    }
    path = tmp_path / "service-account.json"
    path.write_text(json.dumps(account))
    settings.MARKETPLACE_FCM_SERVICE_ACCOUNT = str(path)
    settings.MARKETPLACE_FCM_TOKEN_URL = FakeGoogle.token_url
    settings.MARKETPLACE_FCM_SEND_URL = base + "/v1/projects/{project_id}/messages:send"
    settings.MARKETPLACE_VAPID_PUBLIC_KEY = settings.MARKETPLACE_VAPID_PRIVATE_KEY = ""  # native push only
    yield FakeGoogle
    server.shutdown()


def _register(user, token="fcm-token-1", platform="android"):
    row, key = account_services.api_token_create(user=user, device="Phone")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    answer = client.put(PUSH, {"token": token, "platform": platform}, format="json")
    assert answer.status_code == 200, answer.json()
    return row, client


def test_an_away_user_gets_one_fcm_notification_per_burst_signed_with_the_service_account(
    google, conversation, buyer, seller, settings
):
    _register(seller)
    cache.clear()  # the app's calls count as an open page (accounts.middleware); now it is in the background
    chat_services.message_send(conversation=conversation, sender=buyer, body="Still for sale?")
    chat_services.message_send(conversation=conversation, sender=buyer, body="I can come today")

    assert web_push.push_unread() == 1
    assert web_push.push_unread() == 0  # one per burst, until it is read
    [claims] = google.exchanges
    assert claims["iss"] == "push@demo.iam.gserviceaccount.com" and claims["scope"] == fcm.SCOPE
    [message] = google.messages
    assert message["token"] == "fcm-token-1"
    assert message["notification"]["title"] == buyer.display_name
    assert message["notification"]["body"] == f"{conversation.ad_title}: I can come today"
    tag = f"conversation-{conversation.public_id}"
    site = settings.MARKETPLACE_SITE_URL.rstrip("/")
    assert message["data"] == {"url": site + conversation.get_absolute_url(), "tag": tag}
    assert message["android"]["collapse_key"] == tag


def test_no_push_while_a_page_is_open_and_a_gone_token_is_deleted(google, conversation, buyer, seller):
    _register(seller, token="stale")
    chat_services.message_send(conversation=conversation, sender=buyer, body="Hello?")
    mark_page_open(seller.pk)
    assert web_push.push_unread() == 0 and google.messages == []

    google.gone.add("stale")
    cache.clear()  # the seller's page closed
    assert web_push.push_unread() == 0
    assert not AppPushDevice.objects.filter(token="stale").exists()


def test_registration_is_per_device_moves_with_the_token_and_ends_with_the_device(google, buyer, seller):
    _row, client = _register(seller, token="install-1")
    assert client.put(PUSH, {"token": "install-2", "platform": "ios"}, format="json").json() == {
        "token": "install-2",
        "platform": "ios",
    }
    assert list(AppPushDevice.objects.values_list("token", "platform")) == [("install-2", "ios")]
    _register(buyer, token="install-2")  # the install now signs in as the buyer
    assert list(AppPushDevice.objects.values_list("user_id", flat=True)) == [buyer.pk]
    refused = client.put(PUSH, {"token": "x", "platform": "symbian"}, format="json")
    assert refused.status_code == 400 and "platform" in refused.json()["fields"]
    assert client.delete(PUSH).status_code == 204
    other_row, other = _register(seller, token="install-3")
    account_services.api_token_revoke(user=seller, public_id=other_row.public_id)
    assert not AppPushDevice.objects.filter(token="install-3").exists()


def test_registration_wants_a_device_token(login, seller):
    assert (
        login(seller)
        .put(PUSH, {"token": "t", "platform": "android"}, content_type="application/json")
        .status_code
        == 401
    )
