"""Views: the conversation and list polls, the nothing-new gate."""

import re

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import services as account_services
from ads import services as ad_services
from chat import services
from chat.delivery import tokens
from chat.models import ConversationParticipant
from tests.conftest import HTMX, conversation_token, list_token, poll_params, poll_url, user_key
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


# --- Polling --------------------------------------------------------------------------------------


def test_poll_with_nothing_new_is_204_without_any_query(
    login, conversation, buyer, django_assert_num_queries
):
    client = login(buyer)
    last = conversation.messages.get()
    client.get(reverse("chat:list"))  # warm the last-seen gate
    params = poll_params(conversation, buyer, last.id)
    # The cached token matches: no session, no user, no SQL.
    with django_assert_num_queries(0):
        response = client.get(poll_url(conversation), params, headers=HTMX)
    assert response.status_code == 204
    assert response.content == b""


def test_nothing_new_poll_is_answered_before_the_session_and_csrf_middleware(client, conversation, buyer):
    # No session cookie at all: the token plus the signed user key are what a 204 needs; nothing else
    # (no Vary: Cookie, no Set-Cookie) shows that the session stack ran.
    params = poll_params(conversation, buyer, conversation.last_message_id)
    response = client.get(poll_url(conversation), params, headers=HTMX)
    assert response.status_code == 204
    assert "Cookie" not in response.get("Vary", "")
    assert not response.cookies
    # A stale token without a session goes the full path: the login redirect, not a 204.
    stale = client.get(poll_url(conversation), {**params, "token": "stale"}, headers=HTMX)
    assert stale["HX-Redirect"].startswith(reverse(settings.LOGIN_URL))


def test_a_v_parameter_on_other_pages_is_not_a_poll(login, conversation, buyer):
    params = poll_params(conversation, buyer, conversation.last_message_id)
    response = login(buyer).get(conversation.get_absolute_url(), params)
    assert response.status_code == 200


def test_poll_delivers_new_messages_and_marks_them_read(login, conversation, buyer, seller, committed):
    client = login(seller)
    first = conversation.messages.get()
    params = poll_params(conversation, seller, first.id)
    with committed():
        services.message_send(conversation=conversation, sender=buyer, body="Can I pick it up today?")

    response = client.get(poll_url(conversation), params, headers=HTMX)
    body = response.content.decode()
    new = conversation.messages.latest("id")
    assert response.status_code == 200
    assert "<html" not in body
    assert "Can I pick it up today?" in body
    assert f'id="message-{first.id}"' not in body
    assert 'id="conversation-poller" hidden data-hx-swap-oob="true"' in body
    assert conversation_token(conversation, seller) in body
    assert (
        ConversationParticipant.objects.get(conversation=conversation, user=seller).last_read_message_id
        == new.id
    )
    # Same day as the previous message: no repeated day separator.
    assert "day-separator" not in body


def test_poll_query_count_does_not_grow_with_history(
    login, conversation, buyer, seller, django_assert_max_num_queries, committed
):
    client = login(seller)
    for n in range(60):
        services.message_send(conversation=conversation, sender=buyer, body=f"old {n}")
    last = conversation.messages.latest("id")
    params = poll_params(conversation, seller, last.id)
    with committed():
        services.message_send(conversation=conversation, sender=buyer, body="new one")
    client.get(reverse("chat:list"))
    # session, user, conversation, new messages (with the cursor message's time), lock the reader's
    # participant row, read pointer update, header badge
    with django_assert_max_num_queries(7):
        response = client.get(poll_url(conversation), params, headers=HTMX)
    assert response.content.decode().count('class="message ') == 1


def test_poll_shows_the_sold_flag_when_the_ad_is_sold(login, conversation, buyer, seller, ad, committed):
    client = login(buyer)
    last = conversation.messages.get()
    params = poll_params(conversation, buyer, last.id)
    with committed():
        ad_services.ad_mark_sold(ad=ad, user=seller)
    body = client.get(poll_url(conversation), params, headers=HTMX).content.decode()
    assert 'id="ad-snapshot" class="ad-snapshot ad-snapshot--sold" data-hx-swap-oob="true"' in body
    assert "Sold" in body


def test_list_poll_with_nothing_new_is_204_without_any_query(
    login, conversation, seller, django_assert_num_queries
):
    client = login(seller)
    client.get(reverse("chat:list"))
    params = {"token": list_token(seller), "user_key": user_key(seller)}
    with django_assert_num_queries(0):
        response = client.get(reverse("chat:list_poll"), params, headers=HTMX)
    assert response.status_code == 204


def test_list_poll_rerenders_the_list_when_a_conversation_arrives(login, seller, ad, committed):
    client = login(seller)
    params = {"token": list_token(seller), "user_key": user_key(seller)}
    with committed():
        services.conversation_start(buyer=UserFactory(display_name="New Buyer"), ad=ad, body="Hello there")
    response = client.get(reverse("chat:list_poll"), params, headers=HTMX)
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert body.strip().startswith('<div id="conversation-list"')
    assert "New Buyer" in body and "Hello there" in body and "is-unread" in body


def test_a_blocked_conversation_polls_with_its_cursor_and_gets_only_newer_messages(
    login, conversation, buyer, seller
):
    """Regression: the cursor lived inside the composer, which a blocked conversation does not render,
    so its polls sent no ``after`` and got the whole history back every time."""
    for number in range(3):
        services.message_send(conversation=conversation, sender=seller, body=f"Earlier {number}")
    account_services.user_block(blocker=seller, blocked=buyer)
    client = login(buyer)
    page = client.get(conversation.get_absolute_url()).content.decode()
    assert 'id="composer"' not in page  # the blocked buyer has no composer
    latest = conversation.messages.latest("id")
    assert f'id="message-cursor" value="{latest.id}"' in page
    poller_includes = (
        'data-hx-include="#message-cursor, #message-change-seq, #message-earliest, #offers-shown, '
        '#receipt-read-up-to, #receipt-delivered-up-to"'
    )
    assert re.search(r'<div id="conversation-poller"[^>]*' + poller_includes, page)

    # The poll the page sends (cursor included) after the seller's notice-free silence: nothing old.
    response = client.get(
        poll_url(conversation),
        {"token": "stale", "user_key": user_key(buyer), "after": latest.id},
        headers=HTMX,
    )
    assert response.status_code == 200
    assert 'class="message ' not in response.content.decode()


def test_a_poll_without_a_cursor_delivers_one_page_and_comes_back_for_the_rest(
    login, conversation, buyer, seller, settings
):
    settings.MARKETPLACE_MESSAGES_PAGE_SIZE = 2
    sent = [
        services.message_send(conversation=conversation, sender=seller, body=f"Line {n}") for n in range(3)
    ]
    client = login(buyer)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(
            poll_url(conversation), {"token": "stale", "user_key": user_key(buyer)}, headers=HTMX
        )
    # The database returns one page (+ the cursor row and one to know more follow), never the history.
    message_queries = [
        q["sql"] for q in queries.captured_queries if re.match(r'SELECT [^()]* FROM "chat_message"', q["sql"])
    ]
    assert message_queries and all("LIMIT" in sql for sql in message_queries)
    body = response.content.decode()
    delivered = re.findall(r'<li class="message [^"]*" id="message-(\d+)"', body)
    first = conversation.messages.order_by("id").first()
    assert delivered == [str(first.id), str(sent[0].id)]  # oldest first, at most a page
    assert f'id="message-cursor" value="{sent[0].id}"' in body
    assert '"token": ""' in body  # no token: the next poll takes the full path and gets the rest


def test_a_poll_opens_a_new_day_after_yesterdays_message(login, buyer, seller, ad, committed):
    from datetime import timedelta

    from django.utils import timezone

    conversation, first = services.conversation_start(
        buyer=buyer, ad=ad, body="Still there?", created_at=timezone.now() - timedelta(days=1)
    )
    params = poll_params(conversation, seller, first.id)
    with committed():
        services.message_send(conversation=conversation, sender=buyer, body="Hello again")
    body = login(seller).get(poll_url(conversation), params, headers=HTMX).content.decode()
    assert body.count("day-separator") == 1 and "Hello again" in body


def test_a_stranger_makes_no_cache_key_for_a_conversation_they_are_not_in(
    login, conversation, stranger, buyer
):
    client = login(stranger)
    assert client.get(conversation.get_absolute_url()).status_code == 404
    assert client.get(poll_url(conversation), {"token": "x", "after": 0}, headers=HTMX).status_code == 404
    assert cache.get(tokens.conversation_key(conversation.public_id, stranger.pk)) is None
    # A participant's view stores it, after the check.
    login(buyer).get(conversation.get_absolute_url())
    assert cache.get(tokens.conversation_key(conversation.public_id, buyer.pk)) is not None
