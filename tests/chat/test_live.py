"""Live hints: the stream view's authorisation, what commits publish, typing pings, presence, and the
publish call Pushpin receives (a loopback HTTP server stands in for Pushpin's publish endpoint)."""

import json
import re
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

import jwt
import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.services import user_make_moderator
from chat import services
from chat.moderation import services as moderation
from marketplace import pushpin
from tests.conftest import HTMX
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


class FakePushpin(BaseHTTPRequestHandler):
    """Records the bodies POSTed to /publish/, as Pushpin's publish endpoint would receive them."""

    received: list = []

    def do_POST(self):  # noqa: N802 - the http.server API
        body = self.rfile.read(int(self.headers["Content-Length"]))
        FakePushpin.received.append((self.path, json.loads(body)))
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"Published\n")

    def log_message(self, *args):
        pass


@pytest.fixture
def fake_pushpin(settings):
    """A loopback publish endpoint; MARKETPLACE_PUSH_URL points at it. Yields a function that waits for
    and returns the items published so far."""
    FakePushpin.received = []
    server = HTTPServer(("127.0.0.1", 0), FakePushpin)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.MARKETPLACE_PUSH_URL = f"http://127.0.0.1:{server.server_address[1]}"

    def items(count=1, timeout_s=3.0):
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            found = [item for _path, body in FakePushpin.received for item in body["items"]]
            if len(found) >= count:
                return found
            time.sleep(0.02)
        return [item for _path, body in FakePushpin.received for item in body["items"]]

    yield items
    server.shutdown()


def _grip_sig(key, *, expires_in=60):
    return jwt.encode({"iss": "pushpin", "exp": int(time.time()) + expires_in}, key, algorithm="HS256")


@pytest.fixture
def published(monkeypatch):
    """Record what ``pushpin.publish`` is asked to send: (channel, events) pairs."""
    calls = []
    monkeypatch.setattr(pushpin, "publish", lambda channel, events: calls.append((channel, events)))
    return calls


# --- The stream -----------------------------------------------------------------------------------


def test_the_stream_is_refused_to_anonymous_visitors(client, settings):
    settings.MARKETPLACE_PUSH_URL = "http://127.0.0.1:5561"
    sig = _grip_sig(settings.MARKETPLACE_PUSH_SIG_KEY)
    assert client.get(reverse("chat:stream"), headers={"Grip-Sig": sig}).status_code == 403


def test_the_stream_holds_only_the_users_own_channel(login, buyer, settings):
    settings.MARKETPLACE_PUSH_URL = "http://127.0.0.1:5561"
    sig = _grip_sig(settings.MARKETPLACE_PUSH_SIG_KEY)

    response = login(buyer).get(reverse("chat:stream"), {"channel": "user-1"}, headers={"Grip-Sig": sig})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/event-stream"
    assert response["Grip-Hold"] == "stream"
    assert response["Grip-Channel"] == f"user-{buyer.pk}"  # from the session, whatever the query says
    assert response["Grip-Keep-Alive"] == ":\\n\\n; format=cstring; timeout=25"
    assert response.content.decode().startswith("retry: 5000\n\nevent: ready\n")


@pytest.mark.parametrize(
    "signature",
    [None, "not-a-jwt", "forged", "expired"],
)
def test_the_stream_is_not_held_without_pushpins_signature(login, buyer, settings, signature):
    """Reached around Pushpin (or with a forged header) the stream answers 204, which makes an
    EventSource stop reconnecting; no GRIP instruction is given."""
    settings.MARKETPLACE_PUSH_URL = "http://127.0.0.1:5561"
    headers = {
        None: {},
        "not-a-jwt": {"Grip-Sig": "x"},
        "forged": {"Grip-Sig": _grip_sig("a different key, thirty-two bytes long")},
        "expired": {"Grip-Sig": _grip_sig(settings.MARKETPLACE_PUSH_SIG_KEY, expires_in=-5)},
    }[signature]

    response = login(buyer).get(reverse("chat:stream"), headers=headers)

    assert response.status_code == 204
    assert "Grip-Hold" not in response


def test_with_push_off_nothing_streams_and_pages_do_not_connect(login, buyer, conversation, settings):
    settings.MARKETPLACE_PUSH_URL = ""
    sig = _grip_sig(settings.MARKETPLACE_PUSH_SIG_KEY)
    client = login(buyer)

    assert client.get(reverse("chat:stream"), headers={"Grip-Sig": sig}).status_code == 204
    page = client.get(conversation.get_absolute_url(), headers={"Grip-Sig": sig}).content.decode()
    assert "data-sse-connect" not in page and "htmx-ext-sse" not in page


def test_pages_served_through_pushpin_connect_to_the_stream(login, buyer, conversation, settings):
    settings.MARKETPLACE_PUSH_URL = "http://127.0.0.1:5561"
    client = login(buyer)

    direct = client.get(conversation.get_absolute_url()).content.decode()
    proxied = client.get(
        conversation.get_absolute_url(), headers={"Grip-Sig": _grip_sig(settings.MARKETPLACE_PUSH_SIG_KEY)}
    ).content.decode()

    assert "data-sse-connect" not in direct
    assert f'data-sse-connect="{reverse("chat:stream")}"' in proxied
    assert f"sse:conversation-{conversation.public_id}" in proxied and "sse:list" in proxied


# --- What commits publish ---------------------------------------------------------------------------


def test_a_send_tells_both_participants_after_the_commit(conversation, buyer, seller, published, committed):
    with committed():
        services.message_send(conversation=conversation, sender=seller, body="Yes, it is")
        assert published == []  # nothing before the commit

    events = dict(published)
    expected = [(f"conversation-{conversation.public_id}", "{}"), ("list", "{}")]
    assert events == {pushpin.user_channel(buyer.pk): expected, pushpin.user_channel(seller.pk): expected}


def test_a_read_tells_the_other_side_about_the_receipt(conversation, buyer, seller, published, committed):
    message = conversation.messages.get()
    with committed():
        services.conversation_mark_read(conversation=conversation, user=seller, up_to_message_id=message.id)

    events = dict(published)
    assert events[pushpin.user_channel(buyer.pk)] == [(f"conversation-{conversation.public_id}", "{}")]
    assert events[pushpin.user_channel(seller.pk)] == [("list", "{}")]


def test_pushpin_receives_a_text_free_event_on_the_users_channel(
    fake_pushpin, conversation, seller, committed
):
    with committed():
        services.message_send(conversation=conversation, sender=seller, body="My number is 555 0100")

    items = fake_pushpin(count=2)
    channels = {item["channel"] for item in items}
    assert channels == {pushpin.user_channel(conversation.buyer_id), pushpin.user_channel(seller.pk)}
    content = items[0]["http-stream"]["content"]
    assert (
        content == f"event: conversation-{conversation.public_id}\ndata: {{}}\n\nevent: list\ndata: {{}}\n\n"
    )
    assert "555" not in json.dumps(items)  # events never carry message text


def test_a_send_goes_through_when_the_proxy_is_down(conversation, seller, settings, committed, caplog):
    settings.MARKETPLACE_PUSH_URL = "http://127.0.0.1:9"  # nothing listens: connection refused
    with committed():
        message = services.message_send(conversation=conversation, sender=seller, body="Still delivered")
    assert message.pk is not None  # publishing runs in gripcontrol's thread and only logs


def test_suspension_and_logout_end_the_users_streams(monkeypatch, client, conversation, buyer, committed):
    closed = []
    monkeypatch.setattr(pushpin, "close", closed.append)
    moderator = user_make_moderator(user=UserFactory())
    with committed():
        moderation.user_suspend(user=buyer, moderator=moderator)
    assert closed == [pushpin.user_channel(buyer.pk)]

    seller = conversation.seller
    client.force_login(seller)
    client.post(reverse("accounts:logout"))
    assert closed[-1] == pushpin.user_channel(seller.pk)


# --- Typing and presence ----------------------------------------------------------------------------


def test_typing_tells_the_other_participant_once_per_interval(
    fake_pushpin, login, conversation, buyer, seller
):
    client = login(seller)
    url = reverse("chat:typing", args=[conversation.public_id])

    assert client.post(url).status_code == 204
    assert client.post(url).status_code == 204  # within MARKETPLACE_TYPING_PING_S: not sent again

    fake_pushpin(count=1)
    time.sleep(0.3)
    # The seller's first request also wrote their last seen: a presence event on their own channel.
    items = [item for item in fake_pushpin(count=3, timeout_s=0.1) if item["channel"].startswith("user-")]
    assert [item["channel"] for item in items] == [pushpin.user_channel(buyer.pk)]
    assert items[0]["http-stream"]["content"] == (f"event: typing-{conversation.public_id}\ndata: typing\n\n")


def test_the_page_says_typing_in_its_own_language_and_not_through_a_live_region(login, conversation, buyer):
    """The event has no words: the reader's page holds them, in the language it was rendered in (here
    from Accept-Language only, with nothing saved on the profile)."""
    page = login(buyer).get(conversation.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    indicator = re.search(r'<span id="typing-indicator"[^>]*>', page).group(0)
    assert 'data-typing-text="печатает…"' in indicator
    assert "aria-live" not in indicator


def test_no_typing_indicator_when_either_side_hides_their_last_seen(
    published, login, conversation, buyer, seller, settings
):
    settings.MARKETPLACE_PUSH_URL = "http://127.0.0.1:5561"
    type(buyer).objects.filter(pk=buyer.pk).update(share_last_seen=False)

    assert login(seller).post(reverse("chat:typing", args=[conversation.public_id])).status_code == 204

    # Only the seller's last-seen write (its presence channel), no typing event.
    assert [channel for channel, _events in published] == [pushpin.presence_channel(seller.pk)]


def test_typing_and_presence_are_404_for_strangers(login, conversation, stranger):
    client = login(stranger)
    assert client.post(reverse("chat:typing", args=[conversation.public_id])).status_code == 404
    assert client.get(reverse("chat:presence", args=[conversation.public_id])).status_code == 404
    assert client.get(reverse("chat:typing", args=[conversation.public_id])).status_code == 405


def test_presence_renders_the_other_participants_status(login, conversation, buyer, seller):
    type(seller).objects.filter(pk=seller.pk).update(last_seen_at=timezone.now())

    body = (
        login(buyer)
        .get(reverse("chat:presence", args=[conversation.public_id]), headers=HTMX)
        .content.decode()
    )

    assert body.strip().startswith('<span id="participant-status" class="participant-status is-online"')
    assert "online" in body and "last seen" not in body
    assert "<html" not in body


def test_the_unread_count_is_on_the_badge_for_the_tab_title(login, conversation, seller):
    page = login(seller).get(reverse("ads:list")).content.decode()
    assert 'id="unread-badge"' in page and 'data-count="1"' in page


def test_a_pushpin_that_never_answers_does_not_stall_publishing(settings, caplog):
    """The publishing thread gives up after PUBLISH_TIMEOUT_S and goes on with the next event."""
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)  # accepts connections, never answers
    settings.MARKETPLACE_PUSH_URL = f"http://127.0.0.1:{silent.getsockname()[1]}"
    publisher = pushpin._publisher()
    started = time.monotonic()
    done = threading.Event()
    publisher.publish_http_stream(
        "user-1",
        pushpin.HttpStreamFormat("event: list\ndata: {}\n\n"),
        blocking=False,
        callback=lambda success, message: done.set(),
    )
    assert done.wait(timeout=15), "the publish never gave up"
    # Timed out after PUBLISH_TIMEOUT_S (one retry is configured by pubcontrol, so up to twice that).
    assert time.monotonic() - started < 4 * pushpin.PUBLISH_TIMEOUT_S + 1
    silent.close()
