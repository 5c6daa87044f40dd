"""Views: how the other side's open page learns of edits, deletions and reactions (the poll), and what
pages and polls cost with them."""

import re

import pytest
from django.urls import reverse

from chat import services
from tests.chat.test_views_message_actions import _bubble, _page, _send
from tests.conftest import HTMX, poll_params, poll_url

pytestmark = pytest.mark.django_db


# --- The other side's open page -------------------------------------------------------------------


def test_the_poll_brings_an_edit_and_a_reaction_to_the_open_page(
    login, conversation, buyer, seller, committed
):
    message = _send(conversation, buyer, "Is the sofa 200 cm long?")
    client = login(seller)
    page = _page(client, conversation)
    seen = re.search(r'id="message-change-seq" value="(\d+)"', page).group(1)
    params = {**poll_params(conversation, seller, message.id), "change_seq": seen, "earliest": 0}

    with committed():
        services.message_edit(message=message, editor=buyer, body="Is it 210 cm?")
        services.message_react(message=message, user=buyer, emoji="😮")

    body = client.get(poll_url(conversation), params, headers=HTMX).content.decode()
    bubble = _bubble(body, message)
    assert 'data-hx-swap-oob="true"' in bubble
    assert "Is it 210 cm?" in bubble and "edited" in bubble and "😮" in bubble
    assert re.search(r'id="message-change-seq" value="2" data-hx-swap-oob="true"', body)
    # The next poll, with the new number, brings nothing again.
    params = {**poll_params(conversation, seller, message.id), "change_seq": 2, "earliest": 0}
    body = client.get(poll_url(conversation), params, headers=HTMX).content.decode()
    assert f'id="message-{message.id}"' not in body


@pytest.mark.parametrize("name", ["change_seq", "changes"])
def test_the_poll_reads_the_change_seq_under_its_old_name_too(
    login, conversation, buyer, seller, committed, name
):
    """Pages rendered before the rename send ``changes``; their polls still bring the edits."""
    message = _send(conversation, buyer, "Is the sofa 200 cm long?")
    client = login(seller)
    _page(client, conversation)
    params = {**poll_params(conversation, seller, message.id), name: 0, "earliest": 0}
    with committed():
        services.message_edit(message=message, editor=buyer, body="Is it 210 cm?")

    body = client.get(poll_url(conversation), params, headers=HTMX).content.decode()
    assert "Is it 210 cm?" in _bubble(body, message)
    assert re.search(r'id="message-change-seq" value="1" data-hx-swap-oob="true"', body)


def test_the_poll_leaves_out_changes_to_messages_older_than_the_page(
    login, conversation, buyer, seller, committed
):
    old = conversation.messages.get()
    shown = _send(conversation, buyer, "shown")
    params = {**poll_params(conversation, buyer, shown.id), "change_seq": 0, "earliest": shown.id}
    with committed():
        services.message_react(message=old, user=seller, emoji="👍")
        services.message_react(message=shown, user=seller, emoji="👍")

    body = login(buyer).get(poll_url(conversation), params, headers=HTMX).content.decode()

    assert f'id="message-{shown.id}"' in body
    assert f'id="message-{old.id}"' not in body  # not on that page: nothing to swap


# --- Query budgets --------------------------------------------------------------------------------


def _busy_conversation(conversation, buyer, seller, count):
    """*count* messages, each replying to the one before, edited, and reacted to by the other side."""
    previous = conversation.messages.get()
    for n in range(count):
        message = _send(conversation, buyer, f"question {n}", reply_to_id=previous.id)
        services.message_edit(message=message, editor=buyer, body=f"question {n}, edited")
        services.message_react(message=message, user=seller, emoji="👍")
        previous = message
    return previous


@pytest.mark.parametrize("count", [1, 50])
def test_the_conversation_page_costs_the_same_for_1_and_50_acted_on_messages(
    client, conversation, buyer, seller, count, django_assert_num_queries, settings
):
    _busy_conversation(conversation, buyer, seller, count)
    client.force_login(seller)
    client.get(reverse("ads:list"))
    settings.MARKETPLACE_FRAGMENT_CACHE_S = 0
    # 1 session, 2 user, 3 conversation + both memberships, 4 latest messages page (offers and quoted
    # messages joined), 5 their reactions, 6 lock the reader's participant row, 7 read pointer update,
    # 8 conversation rows, 9 the viewer's labels and pinned ids, 10 header unread badge, 11 the seller's own
    # quick replies (the composer). Photos: none, so no query.
    with django_assert_num_queries(11):
        response = client.get(conversation.get_absolute_url())
    assert response.content.decode().count('class="reaction-who"') == count


@pytest.mark.parametrize("count", [1, 50])
def test_a_poll_bringing_changes_costs_the_same_for_1_and_50(
    client, conversation, buyer, seller, count, django_assert_num_queries, committed
):
    last = _busy_conversation(conversation, buyer, seller, count)
    client.force_login(seller)
    client.get(reverse("ads:list"))
    params = {**poll_params(conversation, seller, last.id), "change_seq": 0, "earliest": 0}
    with committed():
        services.message_send(conversation=conversation, sender=buyer, body="new", reply_to_id=last.id)
    # 1 session, 2 user, 3 conversation, 4 new messages, 5 the message the new one quotes, 6 changed
    # messages (quotes joined), 7 reactions of both, 8 lock the reader's participant row, 9 read pointer
    # update, 10 header badge.
    with django_assert_num_queries(10):
        response = client.get(poll_url(conversation), params, headers=HTMX)
    body = response.content.decode()
    assert body.count('data-hx-swap-oob="true" ') + body.count('data-hx-swap-oob="true">') >= count


def test_a_page_from_the_fragment_cache_hands_out_the_change_number_its_html_shows(
    login, conversation, buyer, seller
):
    """Regression guard: the messages fragment cached under token T shows the state of its render; an edit
    committed before T is replaced (here: its on-commit never runs) must not let a page say it has seen
    that edit, or the poll would never bring it."""
    message = _send(conversation, buyer, "Is the sofa 200 cm long?")
    client = login(seller)
    client.get(conversation.get_absolute_url())
    client.get(conversation.get_absolute_url())  # now cached under the stored token
    services.message_edit(message=message, editor=buyer, body="Is it 210 cm?")  # token not replaced yet

    # A reply in the composer renders the pane afresh around the cached messages.
    page = _page(client, conversation, reply=message.id)

    assert "Is the sofa 200 cm long?" in _bubble(page, message)  # the cached HTML, from before the edit
    assert re.search(r'id="message-change-seq" value="0"', page)
