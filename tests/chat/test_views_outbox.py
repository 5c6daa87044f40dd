"""What the browser's outbox (static/js/outbox*.js) relies on from the server: where to send and for whom
(on the message list, in every state of the conversation), a key made in the browser storing one message
however often it is sent, and a refusal that says why in the composer it answers with."""

import re

import pytest
from django.urls import reverse

from accounts import services as account_services
from tests.conftest import HTMX

pytestmark = pytest.mark.django_db

# A key as outbox-store.js's newKey makes it: 21 of nanoid's alphabet.
BROWSER_KEY = "Ab3_-Zz9" + "q" * 13


def _message_list(body: str) -> str:
    return re.search(r'<ol id="message-list"[^>]*>', body).group(0)


@pytest.mark.parametrize("blocked", [False, True])
def test_the_message_list_names_the_outbox_even_without_a_composer(
    login, conversation, buyer, seller, blocked
):
    if blocked:  # no composer then, but messages refused while offline are still shown with their text
        account_services.user_block(blocker=seller, blocked=buyer)
    body = login(buyer).get(conversation.get_absolute_url()).content.decode()
    message_list = _message_list(body)
    assert f'data-outbox-user="{buyer.pk}"' in message_list
    assert f'data-outbox-url="{reverse("chat:send", args=[conversation.public_id])}"' in message_list
    assert ('id="composer"' in body) is not blocked
    assert "css/chat-outbox.css" in body


def test_a_browser_made_key_sent_three_times_stores_one_message(login, conversation, buyer):
    client = login(buyer)
    url = reverse("chat:send", args=[conversation.public_id])
    first = conversation.messages.get()
    answers = [
        client.post(
            url, {"body": "Still there?", "idempotency_key": BROWSER_KEY, "after": first.id}, headers=HTMX
        )
        for _ in range(3)
    ]
    assert [answer.status_code for answer in answers] == [200, 200, 200]
    stored = conversation.messages.get(idempotency_key=BROWSER_KEY)
    assert conversation.messages.count() == 2
    # Each answer has the message (the page had not seen it: the same "after") and the composer the
    # outbox leaves out, as the person may be typing in theirs.
    for answer in answers:
        body = answer.content.decode()
        assert f'id="message-{stored.id}"' in body and 'id="composer"' in body


def test_a_refused_outbox_send_says_why_in_the_composer_error(login, conversation, buyer, seller):
    account_services.user_block(blocker=seller, blocked=buyer)
    response = login(buyer).post(
        reverse("chat:send", args=[conversation.public_id]),
        {"body": "Hello?", "idempotency_key": BROWSER_KEY},
        headers=HTMX,
    )
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#composer"
    error = re.search(r'<p class="form-error composer-error"[^>]*>(.*?)</p>', response.content.decode())
    assert error.group(1) == "You can&#x27;t reply to this conversation."
    assert conversation.messages.count() == 1
