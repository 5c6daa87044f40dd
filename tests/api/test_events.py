"""The apps' event stream (GET /api/v1/events/) through a real Pushpin: the device token checked at
subscribe, the user's own hints (no message text), nothing of anyone else's, a revoked device's stream
ended, and a reconnect that loses nothing because the change cursor, not the stream, is the app's position."""

import time

import pytest
import requests
from django.urls import reverse

from accounts import services as account_services
from chat import services as chat_services
from tests.factories import AdFactory, CategoryFactory, UserFactory
from tests.pushpin_ports import pushpin_in_front

EVENTS = reverse("api-events")


class Stream:
    """An SSE client as an app would run one (requests, streamed): ``next_event()`` returns
    ``(event name, data)`` and skips Pushpin's keep-alive comments and the ``retry:`` line."""

    def __init__(self, base_url: str, token: str | None, **headers):
        if token:
            headers["Authorization"] = f"Bearer {token}"
        headers["Accept"] = "text/event-stream"
        # Pushpin's handler (which holds streams) can join a moment after its proxy already forwards
        # plain requests: until then a stream answers 500 "Accept service unavailable". And about one
        # run of this file in ten, one stream open gets no answer at all within 5 s (the proxy never
        # logs the request; seen with one zurl and with four; cause not found, an open issue): an app's
        # SSE client reconnects after its timeout, and so does this one, once.
        deadline, timeouts = time.monotonic() + 10, 0
        while True:
            try:
                self.response = requests.get(f"{base_url}{EVENTS}", headers=headers, stream=True, timeout=5)
            except requests.exceptions.ReadTimeout:
                timeouts += 1
                if timeouts > 1:
                    raise
                continue
            if self.response.status_code != 500 or time.monotonic() > deadline:
                break
            self.response.close()
            time.sleep(0.2)
        self.lines = self.response.iter_lines(chunk_size=1, decode_unicode=True)

    def next_event(self) -> tuple[str, str]:
        name = None
        for line in self.lines:
            if line.startswith("event: "):
                name = line.removeprefix("event: ")
            elif line.startswith("data: ") and name:
                return name, line.removeprefix("data: ")
        raise EOFError("the stream ended")

    def events_until(self, wanted: str) -> list[tuple[str, str]]:
        seen = []
        while not seen or seen[-1][0] != wanted:
            seen.append(self.next_event())
        return seen

    def close(self):
        self.response.close()


@pytest.fixture
def pushpin(live_server, settings, tmp_path):
    with pushpin_in_front(live_server.url, settings, tmp_path) as url:
        yield url


@pytest.fixture
def people(db):
    buyer = UserFactory(email="buyer@example.com")
    seller = UserFactory(email="seller@example.com")
    ad = AdFactory(owner=seller, category=CategoryFactory(), title="Walnut sofa")
    conversation, _ = chat_services.conversation_start(buyer=buyer, ad=ad, body="Is it available?")
    return buyer, seller, conversation


def _token(user, device="Phone"):
    return account_services.api_token_create(user=user, device=device)


def test_without_pushpin_the_stream_answers_204_and_without_a_token_401(api, token_client, people):
    buyer, _seller, _conversation = people
    assert token_client(buyer).get(EVENTS, HTTP_ACCEPT="text/event-stream").status_code == 204
    refused = api.get(EVENTS, HTTP_ACCEPT="text/event-stream")
    assert refused.status_code == 401
    assert refused["Content-Type"] == "application/json"
    assert refused.json()["code"] == "not_authenticated"


@pytest.mark.django_db(transaction=True)
def test_the_token_is_checked_at_subscribe(pushpin, people):
    assert Stream(pushpin, None).response.status_code == 401
    refused = Stream(pushpin, "not-a-real-token")
    assert refused.response.status_code == 401
    assert refused.response.json()["code"] == "authentication_failed"


@pytest.mark.django_db(transaction=True)
def test_the_user_gets_their_own_hints_with_no_text_and_nobody_elses(pushpin, people):
    buyer, seller, conversation = people
    stranger = UserFactory()
    buyer_stream = Stream(pushpin, _token(buyer)[1])
    stranger_stream = Stream(pushpin, _token(stranger)[1])
    answer = buyer_stream.response
    assert answer.headers["Content-Type"].startswith("text/event-stream"), (answer.status_code, answer.text)
    assert buyer_stream.next_event() == ("ready", "{}")
    assert stranger_stream.next_event() == ("ready", "{}")

    started = time.monotonic()
    chat_services.message_send(conversation=conversation, sender=seller, body="Secret words here")
    events = buyer_stream.events_until("list")
    assert time.monotonic() - started < 2
    assert events == [(f"conversation-{conversation.public_id}", "{}"), ("list", "{}")]

    # The stranger's next event is their own change: the buyer's events never reached their stream.
    own, _ = chat_services.conversation_start(
        buyer=stranger, ad=AdFactory(category=CategoryFactory()), body="Hi"
    )
    assert stranger_stream.events_until("list") == [(f"conversation-{own.public_id}", "{}"), ("list", "{}")]
    buyer_stream.close()
    stranger_stream.close()


@pytest.mark.django_db(transaction=True)
def test_a_reconnect_then_a_changes_call_loses_nothing(pushpin, people):
    buyer, seller, conversation = people
    _row, token = _token(buyer)
    auth = {"Authorization": f"Bearer {token}"}
    changes = f"{pushpin}{reverse('api-conversation-changes', args=[conversation.public_id])}"
    first = requests.get(changes, params={"after": 0}, headers=auth, timeout=5)
    after = first.json()["messages"][-1]["id"]
    cursor = {"after": after, "change_seq": first.json()["change_seq"]}
    synced = requests.get(changes, params=cursor, headers=auth, timeout=5)
    etag = synced.headers["ETag"]
    assert (
        requests.get(changes, params=cursor, headers={**auth, "If-None-Match": etag}, timeout=5).status_code
        == 304
    )

    stream = Stream(pushpin, token)
    assert stream.next_event() == ("ready", "{}")
    stream.close()  # the connection drops; the hint of this message goes nowhere
    chat_services.message_send(conversation=conversation, sender=seller, body="Sent while you were away")

    again = Stream(pushpin, token, **{"Last-Event-ID": "anything"})
    assert again.next_event() == ("ready", "{}")  # sync now, from your cursor
    gap = requests.get(changes, params=cursor, headers={**auth, "If-None-Match": etag}, timeout=5)
    assert gap.status_code == 200
    assert [m["body"] for m in gap.json()["messages"]] == ["Sent while you were away"]
    again.close()


@pytest.mark.django_db(transaction=True)
def test_revoking_a_device_ends_its_stream_only(pushpin, people):
    buyer, seller, conversation = people
    phone, phone_token = _token(buyer, "Phone")
    _tablet, tablet_token = _token(buyer, "Tablet")
    phone_stream, tablet_stream = Stream(pushpin, phone_token), Stream(pushpin, tablet_token)
    assert phone_stream.next_event()[0] == tablet_stream.next_event()[0] == "ready"
    revoked = requests.delete(
        f"{pushpin}{reverse('api-device-revoke', args=[phone.public_id])}",
        headers={"Authorization": f"Bearer {tablet_token}"},
        timeout=5,
    )
    assert revoked.status_code == 204
    with pytest.raises(EOFError):
        phone_stream.next_event()
    # The tablet's stream stays open and gets the next hint.
    chat_services.message_send(conversation=conversation, sender=seller, body="Still there?")
    assert tablet_stream.events_until("list")[-1] == ("list", "{}")
    tablet_stream.close()
    assert Stream(pushpin, phone_token).response.status_code == 401
