"""The delivered state: the delivery pointer (``ConversationParticipant.delivered_up_to``), what moves it
(polls, page renders, API fetches), its cost, and the three receipts sent / delivered / read."""

import pytest
from django.urls import reverse

from accounts import services as account_services
from chat import access, selectors, services
from chat.models import ConversationParticipant
from tests.conftest import HTMX, conversation_token, list_token, poll_params, poll_url, user_key

pytestmark = pytest.mark.django_db

DELIVERED = '<span class="visually-hidden">Delivered</span>'
READ = '<span class="visually-hidden">Read</span>'
SENT = '<span class="visually-hidden">Sent</span>'


def delivered_up_to(conversation, user) -> int:
    return ConversationParticipant.objects.get(conversation=conversation, user=user).delivered_up_to


def seen_by(conversation, user):
    return access.access_conversation(user=user, public_id=conversation.public_id)


# --- The service ---------------------------------------------------------------------------------


def test_the_pointer_moves_only_forward_and_only_for_the_other_side_s_messages(conversation, buyer, seller):
    first = conversation.messages.get()
    own = services.message_send(conversation=conversation, sender=seller, body="Yes")
    second = services.message_send(conversation=conversation, sender=buyer, body="Still there?")

    # The seller's own message is no delivery to the seller.
    assert not services.conversation_mark_delivered(conversation=conversation, user=seller, messages=[own])
    assert services.conversation_mark_delivered(
        conversation=seen_by(conversation, seller), user=seller, messages=[first, own, second]
    )
    assert delivered_up_to(conversation, seller) == second.id
    # An older fetch (an earlier page, a slow poll) never moves it back.
    assert not services.conversation_mark_delivered(conversation=conversation, user=seller, messages=[first])
    assert delivered_up_to(conversation, seller) == second.id


def test_nothing_new_costs_no_query(conversation, seller, django_assert_num_queries):
    first = conversation.messages.get()
    services.conversation_mark_delivered(
        conversation=seen_by(conversation, seller), user=seller, messages=[first]
    )
    again = seen_by(conversation, seller)
    with django_assert_num_queries(0):
        assert not services.conversation_mark_delivered(conversation=again, user=seller, messages=[first])


def test_reading_delivers_in_the_same_update_and_never_moves_it_back(conversation, buyer, seller):
    first = conversation.messages.get()
    second = services.message_send(conversation=conversation, sender=buyer, body="Hello?")
    services.conversation_mark_read(conversation=conversation, user=seller, up_to_message_id=first.id)
    assert delivered_up_to(conversation, seller) == first.id
    services.conversation_mark_delivered(
        conversation=seen_by(conversation, seller), user=seller, messages=[second]
    )
    services.conversation_mark_unread(conversation=conversation, user=seller)
    services.conversation_mark_read(conversation=conversation, user=seller, up_to_message_id=first.id)
    assert delivered_up_to(conversation, seller) == second.id


def test_a_delivery_moves_the_sender_s_poll_token_not_the_fetcher_s(conversation, buyer, seller, committed):
    first = conversation.messages.get()
    buyer_token, seller_token = (
        conversation_token(conversation, buyer),
        conversation_token(conversation, seller),
    )
    with committed():
        services.conversation_mark_delivered(
            conversation=seen_by(conversation, seller), user=seller, messages=[first]
        )
    assert conversation_token(conversation, buyer) != buyer_token
    assert conversation_token(conversation, seller) == seller_token


@pytest.mark.parametrize("share", [True, False])
def test_the_read_receipts_opt_out_hides_read_only(conversation, buyer, seller, share):
    account_services.user_update_profile(user=seller, display_name="Sam", share_read_receipts=share)
    first = conversation.messages.get()
    services.conversation_mark_read(conversation=conversation, user=seller, up_to_message_id=first.id)
    pointers = selectors.receipt_pointers(viewer=buyer, conversation=seen_by(conversation, buyer))
    assert pointers == ((first.id if share else 0), first.id)
    assert selectors.message_status(first.id, read_up_to=pointers[0], delivered_up_to=pointers[1]) == (
        "read" if share else "delivered"
    )


# --- The site: receipts and what each poll costs -----------------------------------------------------


def test_the_list_poll_delivers_and_the_sender_s_poll_turns_the_receipt(
    client, conversation, buyer, seller, committed, django_assert_num_queries
):
    first = conversation.messages.get()
    client.force_login(buyer)
    body = client.get(conversation.get_absolute_url()).content.decode()
    assert SENT in body and DELIVERED not in body
    buyer_poll = {**poll_params(conversation, buyer, first.id), "read_up_to": 0, "delivered_up_to": 0}

    client.force_login(seller)
    client.get(reverse("ads:list"))  # the last-seen stamp
    params = {"token": list_token(seller), "user_key": user_key(seller)}
    with committed():
        message = services.message_send(conversation=conversation, sender=buyer, body="Hello?")
    # 1 session, 2 user, 3 conversation rows (last message joined), 4 the delivery pointer UPDATE (before
    # this feature: 4 queries, without it), 5 the viewer's labels and pinned ids, 6 header badge.
    with committed(), django_assert_num_queries(6):
        assert client.get(reverse("chat:list_poll"), params, headers=HTMX).status_code == 200
    assert delivered_up_to(conversation, seller) == message.id
    # The next list poll has nothing new: 204 with no query at all.
    params["token"] = list_token(seller)
    with django_assert_num_queries(0):
        assert client.get(reverse("chat:list_poll"), params, headers=HTMX).status_code == 204

    client.force_login(buyer)
    buyer_poll["after"] = message.id
    body = client.get(poll_url(conversation), buyer_poll, headers=HTMX).content.decode()
    assert f'id="receipt-{first.id}" title="Delivered" data-hx-swap-oob="true"' in body
    # The page's pointer moves with the receipts it brought.
    assert f'id="receipt-delivered-up-to" value="{message.id}" data-hx-swap-oob="true"' in body


def test_the_open_conversation_s_poll_delivers_with_the_read_update_at_no_extra_query(
    client, conversation, buyer, seller, committed, django_assert_num_queries
):
    first = conversation.messages.get()
    client.force_login(seller)
    client.get(conversation.get_absolute_url())
    client.get(conversation.get_absolute_url())  # the token stored (the first view carried an unstored one)
    params = poll_params(conversation, seller, first.id)
    with committed():
        message = services.message_send(conversation=conversation, sender=buyer, body="Hello?")
    # 1 session, 2 user, 3 conversation, 4 new messages, 5 lock the reader's row, 6 read pointer UPDATE
    # (the delivery pointer moves in the same statement), 7 header badge: as before this feature.
    with django_assert_num_queries(7):
        client.get(poll_url(conversation), params, headers=HTMX)
    assert delivered_up_to(conversation, seller) == message.id


def test_three_states_on_the_sender_s_page_and_in_russian(client, conversation, buyer, seller):
    first = conversation.messages.get()
    second = services.message_send(conversation=conversation, sender=buyer, body="Second")
    third = services.message_send(conversation=conversation, sender=buyer, body="Third")
    services.conversation_mark_read(conversation=conversation, user=seller, up_to_message_id=first.id)
    services.conversation_mark_delivered(
        conversation=seen_by(conversation, seller), user=seller, messages=[second]
    )
    client.force_login(buyer)
    body = client.get(conversation.get_absolute_url()).content.decode()
    assert f'id="receipt-{first.id}" title="Read"' in body
    assert f'id="receipt-{second.id}" title="Delivered"' in body
    assert f'id="receipt-{third.id}" title="Sent"' in body
    russian = client.get(conversation.get_absolute_url(), headers={"accept-language": "ru"}).content.decode()
    assert "Доставлено" in russian and "Прочитано" in russian


# --- The API -------------------------------------------------------------------------------------


def test_api_fetches_deliver_without_reading_and_show_the_status(conversation, buyer, seller):
    from rest_framework.test import APIClient

    def api_client(user):
        _row, token = account_services.api_token_create(user=user, device="phone")
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        return api

    first = conversation.messages.get()
    url = f"/api/v1/conversations/{conversation.public_id}/"
    buyer_api, seller_api = api_client(buyer), api_client(seller)
    mine = buyer_api.get(f"{url}messages/").json()["results"]
    assert [m["status"] for m in mine] == ["sent"]

    seller_api.get(f"{url}changes/", {"after": 0})
    assert delivered_up_to(conversation, seller) == first.id
    assert ConversationParticipant.objects.get(conversation=conversation, user=seller).unread_count == 1
    detail = buyer_api.get(url).json()
    assert detail["other_delivered_up_to"] == first.id and detail["other_read_up_to"] is None
    assert buyer_api.get(f"{url}messages/").json()["results"][0]["status"] == "delivered"
    theirs = seller_api.get(f"{url}messages/").json()["results"][0]
    assert theirs["status"] is None  # not the viewer's own message

    seller_api.post(f"{url}read/")
    assert buyer_api.get(f"{url}messages/").json()["results"][0]["status"] == "read"


def test_a_send_leaves_the_pointers_so_the_next_poll_still_brings_the_receipt(
    client, conversation, buyer, seller, committed
):
    """Regression: the send's answer re-rendered the poller with the moved pointers but not the receipts,
    so a delivery landing just before a send left the receipt at "sent" for good."""
    first = conversation.messages.get()
    client.force_login(buyer)
    client.get(conversation.get_absolute_url())
    with committed():
        services.conversation_mark_delivered(
            conversation=seen_by(conversation, seller), user=seller, messages=[first]
        )
    before_send = conversation_token(conversation, buyer)  # what the send's answer gives the poller
    with committed():
        sent = client.post(
            reverse("chat:send", args=[conversation.public_id]),
            {"body": "Saturday?", "idempotency_key": "k" * 20, "after": first.id},
            headers=HTMX,
        ).content.decode()
    # Neither the receipt nor the page's pointer (the poller's or an input's) comes with the send.
    assert "delivered_up_to" not in sent and f'id="receipt-{first.id}"' not in sent
    latest = conversation.messages.latest("id").id
    params = {
        **poll_params(conversation, buyer, latest),
        "token": before_send,
        "read_up_to": 0,
        "delivered_up_to": 0,
    }
    body = client.get(poll_url(conversation), params, headers=HTMX).content.decode()
    assert f'id="receipt-{first.id}" title="Delivered" data-hx-swap-oob="true"' in body
