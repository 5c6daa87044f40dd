"""Views: sending a message, with and without htmx."""

import re

import pytest
from django.urls import reverse

from chat import services
from tests.conftest import HTMX

pytestmark = pytest.mark.django_db


# --- Sending --------------------------------------------------------------------------------------


def test_send_without_javascript_redirects_to_the_message(login, conversation, seller):
    response = login(seller).post(reverse("chat:send", args=[conversation.public_id]), {"body": "Yes, it is"})
    message = conversation.messages.latest("id")
    assert response.status_code == 302
    assert response["Location"] == f"{conversation.get_absolute_url()}#message-{message.id}"
    assert message.body == "Yes, it is"


def test_send_with_htmx_returns_the_new_bubble_and_a_new_cursor(login, conversation, seller):
    first = conversation.messages.get()
    response = login(seller).post(
        reverse("chat:send", args=[conversation.public_id]),
        {"body": "Yes, it is", "after": first.id},
        headers=HTMX,
    )
    body = response.content.decode()
    message = conversation.messages.latest("id")
    assert response.status_code == 200
    assert "<html" not in body
    assert f'id="message-{message.id}"' in body
    assert f'id="message-{first.id}"' not in body  # already on the page
    assert re.search(rf'id="message-cursor" value="{message.id}" data-hx-swap-oob="true"', body)


def test_an_htmx_send_costs_a_fixed_number_of_queries(login, conversation, seller, django_assert_num_queries):
    """The budget of the site's main write, as a browser sends it (with its idempotency key): session and
    user 2, the rate limit's repeat check 1, access 1, the locked transaction 8 (BEGIN, lock, repeat
    check, blocks and suspension in one, INSERT, conversation, both participants in one, COMMIT; a
    buyer's message also reads the seller's away message), the answer 3 (new messages, badge, quick
    replies). Was 18 before issue 30 (a repeat check before the lock too, two participant updates, a
    separate suspension check)."""
    client = login(seller)
    url = reverse("chat:send", args=[conversation.public_id])
    client.post(url, {"body": "warm", "idempotency_key": "k" * 21, "after": 2**62}, headers=HTMX)
    with django_assert_num_queries(15):
        response = client.post(
            url, {"body": "Yes, it is", "idempotency_key": "m" * 21, "after": 2**62}, headers=HTMX
        )
    assert response.status_code == 200
    assert conversation.messages.filter(body="Yes, it is").count() == 1


def test_send_with_htmx_also_delivers_messages_that_arrived_since_the_last_poll(
    login, conversation, buyer, seller
):
    first = conversation.messages.get()
    services.message_send(conversation=conversation, sender=buyer, body="Are you there?")
    response = login(seller).post(
        reverse("chat:send", args=[conversation.public_id]), {"body": "Yes!", "after": first.id}, headers=HTMX
    )
    body = response.content.decode()
    assert "Are you there?" in body and "Yes!" in body


@pytest.mark.parametrize(
    ("text", "error"), [("   ", "Write a message before sending."), ("z" * 4001, "at most 4000")]
)
def test_invalid_send_with_htmx_rerenders_the_composer_with_the_text(
    login, conversation, seller, text, error
):
    response = login(seller).post(
        reverse("chat:send", args=[conversation.public_id]), {"body": text, "after": 1}, headers=HTMX
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#composer"
    assert response["HX-Reswap"] == "outerHTML"
    assert 'id="composer"' in body and error in body
    assert f">{text}</textarea>" in body
    assert conversation.messages.count() == 1


def test_invalid_send_without_javascript_shows_the_page_with_the_text(login, conversation, seller):
    response = login(seller).post(reverse("chat:send", args=[conversation.public_id]), {"body": "z" * 4001})
    assert response.status_code == 400
    assert "z" * 4001 in response.content.decode()
    assert "<html" in response.content.decode()


def test_message_bodies_are_escaped_and_links_are_safe(login, conversation, seller, buyer):
    services.message_send(
        conversation=conversation,
        sender=seller,
        body="<script>alert(1)</script> see https://example.com/a?b=1&c=2. or javascript:alert(1)",
    )
    body = login(buyer).get(conversation.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert (
        '<a href="https://example.com/a?b=1&amp;c=2" rel="nofollow noopener noreferrer" target="_blank">'
        "https://example.com/a?b=1&amp;c=2</a>." in body
    )
    assert 'href="javascript' not in body
