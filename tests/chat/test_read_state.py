"""Unread counts, the header badge, mark as unread, read receipts with privacy, archive and filters."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts import services as account_services
from chat import selectors, services
from chat.models import ConversationParticipant
from chat.templatetags.chat_tags import badge_count
from tests.conftest import HTMX, conversation_token, list_token, user_key
from tests.factories import AdFactory, UserFactory

pytestmark = pytest.mark.django_db


def unread(conversation, user):
    return ConversationParticipant.objects.get(conversation=conversation, user=user).unread_count


# --- Unread counts -----------------------------------------------------------------------------------


def test_unread_count_follows_sends_and_reads(conversation, buyer, seller):
    assert (unread(conversation, seller), unread(conversation, buyer)) == (1, 0)
    services.message_send(conversation=conversation, sender=buyer, body="Hello?")
    second = services.message_send(conversation=conversation, sender=buyer, body="Anyone?")
    assert unread(conversation, seller) == 3

    first_id = conversation.messages.order_by("id").first().id
    services.conversation_mark_read(conversation=conversation, user=seller, up_to_message_id=first_id)
    assert unread(conversation, seller) == 2  # read only what was delivered
    services.conversation_mark_read(conversation=conversation, user=seller, up_to_message_id=second.id)
    assert unread(conversation, seller) == 0

    services.message_send(conversation=conversation, sender=seller, body="Here!")
    assert (unread(conversation, seller), unread(conversation, buyer)) == (0, 1)


def test_replying_reads_everything_and_deleting_clears_the_count(conversation, buyer, seller):
    services.message_send(conversation=conversation, sender=buyer, body="Hello?")
    services.conversation_hide(conversation=conversation, user=seller)
    assert unread(conversation, seller) == 0
    assert selectors.unread_conversation_count(user=seller) == 0


def test_header_badge_counts_conversations_not_messages(seller):
    for _ in range(3):
        conversation, _ = services.conversation_start(
            buyer=UserFactory(), ad=AdFactory(owner=seller), body="Hi"
        )
        services.message_send(conversation=conversation, sender=conversation.buyer, body="Hello?")
    assert selectors.unread_conversation_count(user=seller) == 3


@pytest.mark.parametrize(("value", "shown"), [(0, ""), (1, "1"), (99, "99"), (100, "99+"), ("x", "")])
def test_badge_caps_at_99(value, shown):
    assert badge_count(value) == shown


def test_badge_shows_on_every_page_and_its_poll_needs_no_query(
    login, conversation, seller, django_assert_num_queries, committed
):
    client = login(seller)
    body = client.get(reverse("ads:list")).content.decode()
    assert 'id="unread-badge"' in body and ">1</span>" in body
    params = {"token": list_token(seller), "user_key": user_key(seller)}
    assert f'"token": "{params["token"]}"' in body
    with django_assert_num_queries(0):
        response = client.get(reverse("chat:unread_badge"), params, headers=HTMX)
    assert response.status_code == 204
    with committed():
        services.conversation_start(buyer=UserFactory(), ad=AdFactory(owner=seller), body="Another buyer")
    # 1 session, 2 user, 3 count on the partial index.
    with django_assert_num_queries(3):
        response = client.get(reverse("chat:unread_badge"), params, headers=HTMX)
    assert response.status_code == 200 and ">2</span>" in response.content.decode()


def test_list_shows_unread_count_per_row(login, conversation, buyer, seller):
    services.message_send(conversation=conversation, sender=buyer, body="Two")
    body = login(seller).get(reverse("chat:list")).content.decode()
    assert (
        'class="row-unread"><span aria-hidden="true">2</span>'
        '<span class="visually-hidden">2 unread messages</span>' in body
    )


def test_list_poll_carries_the_badge_out_of_band(login, conversation, buyer, seller, committed):
    client = login(seller)
    params = {"token": list_token(seller), "user_key": user_key(seller)}
    with committed():
        services.message_send(conversation=conversation, sender=buyer, body="New")
    body = client.get(reverse("chat:list_poll"), params, headers=HTMX).content.decode()
    assert 'id="unread-badge" class="unread-badge" data-hx-swap-oob="true"' in body


def test_mark_as_unread_brings_back_the_badge(login, conversation, seller):
    client = login(seller)
    client.get(conversation.get_absolute_url())
    assert unread(conversation, seller) == 0
    response = client.post(reverse("chat:mark_unread", args=[conversation.public_id]))
    assert response.status_code == 302 and response["Location"] == reverse("chat:list")
    assert unread(conversation, seller) == 1
    assert "is-unread" in client.get(reverse("chat:list")).content.decode()


def test_mark_as_unread_needs_a_message_from_the_other_side(conversation, buyer):
    with pytest.raises(ValidationError) as error:
        services.conversation_mark_unread(conversation=conversation, user=buyer)
    assert error.value.code == "nothing_to_mark"


# --- Read receipts and privacy -------------------------------------------------------------------------


def test_own_messages_show_sent_then_read(login, conversation, buyer, seller):
    client = login(buyer)
    body = client.get(conversation.get_absolute_url()).content.decode()
    assert (
        '<span class="visually-hidden">Sent</span>' in body
        and '<span class="visually-hidden">Read</span>' not in body
    )
    login(seller).get(conversation.get_absolute_url())
    body = login(buyer).get(conversation.get_absolute_url()).content.decode()
    assert '<span class="visually-hidden">Read</span>' in body


def test_the_buyers_poll_sees_the_seller_read(login, conversation, buyer, seller, committed):
    token = conversation_token(conversation, buyer)
    with committed():
        services.conversation_mark_read(
            conversation=conversation, user=seller, up_to_message_id=conversation.last_message_id
        )
    client = login(buyer)
    response = client.get(
        reverse("chat:poll", args=[conversation.public_id]),
        {"token": token, "user_key": user_key(buyer), "after": conversation.last_message_id, "read_up_to": 0},
        headers=HTMX,
    )
    assert response.status_code == 200
    receipt = f'id="receipt-{conversation.last_message_id}" title="Read" data-hx-swap-oob="true">'
    receipt += '<span aria-hidden="true">✓✓</span>'
    assert receipt in response.content.decode()


@pytest.mark.parametrize("who_turns_off", ["buyer", "seller"])
def test_read_receipts_are_reciprocal(login, conversation, buyer, seller, who_turns_off):
    person = {"buyer": buyer, "seller": seller}[who_turns_off]
    account_services.user_update_profile(
        user=person, display_name=person.display_name, share_read_receipts=False
    )
    login(seller).get(conversation.get_absolute_url())
    body = login(buyer).get(conversation.get_absolute_url()).content.decode()
    # The opt-out hides the read state only: the seller's page fetched the message, so it is delivered.
    assert (
        '<span class="visually-hidden">Read</span>' not in body
        and '<span class="visually-hidden">Delivered</span>' in body
    )


def test_last_seen_is_reciprocal(login, conversation, buyer, seller):
    from django.utils import timezone

    account_services.user_touch_last_seen(user_id=seller.pk, now=timezone.now())
    assert "is-online" in login(buyer).get(conversation.get_absolute_url()).content.decode()
    account_services.user_update_profile(user=buyer, display_name=buyer.display_name, share_last_seen=False)
    body = login(buyer).get(conversation.get_absolute_url()).content.decode()
    assert "is-online" not in body and "last seen" not in body


def test_privacy_settings_are_saved_from_the_profile(login, buyer):
    response = login(buyer).post(reverse("accounts:profile"), {"display_name": "Bea"})
    assert response.status_code == 302
    buyer.refresh_from_db()
    assert not buyer.share_read_receipts and not buyer.share_last_seen  # unchecked boxes mean off
    login(buyer).post(
        reverse("accounts:profile"),
        {"display_name": "Bea", "share_read_receipts": "on", "share_last_seen": "on"},
    )
    buyer.refresh_from_db()
    assert buyer.share_read_receipts and buyer.share_last_seen


# --- Archive and filters -------------------------------------------------------------------------------


def test_archive_moves_the_conversation_and_a_new_message_brings_it_back(
    login, conversation, buyer, seller, committed
):
    client = login(seller)
    with committed():
        client.post(reverse("chat:archive", args=[conversation.public_id]), {"archived": "1"})
    assert conversation.get_absolute_url() not in client.get(reverse("chat:list")).content.decode()
    archived = client.get(reverse("chat:list"), {"filter": "archived"}).content.decode()
    assert conversation.get_absolute_url() in archived
    # The buyer's list is not affected.
    assert conversation.get_absolute_url() in login(buyer).get(reverse("chat:list")).content.decode()

    with committed():
        services.message_send(conversation=conversation, sender=buyer, body="Still interested")
    assert conversation.get_absolute_url() in login(seller).get(reverse("chat:list")).content.decode()


def test_own_message_does_not_unarchive(conversation, seller):
    services.conversation_set_archived(conversation=conversation, user=seller, archived=True)
    services.message_send(conversation=conversation, sender=seller, body="Bye")
    assert ConversationParticipant.objects.get(conversation=conversation, user=seller).archived_at is not None


def test_unarchive(login, conversation, seller, committed):
    client = login(seller)
    with committed():
        client.post(reverse("chat:archive", args=[conversation.public_id]), {"archived": "1"})
    client.post(reverse("chat:archive", args=[conversation.public_id]), {"archived": "0"})
    assert conversation.get_absolute_url() in client.get(reverse("chat:list")).content.decode()


def test_filters_buying_selling_unread(login):
    me = UserFactory()
    buying, _ = services.conversation_start(buyer=me, ad=AdFactory(title="Bike I want"), body="Hi")
    selling, _ = services.conversation_start(
        buyer=UserFactory(), ad=AdFactory(owner=me, title="My lamp"), body="Hi"
    )
    client = login(me)

    def rows(list_filter):
        body = client.get(reverse("chat:list"), {"filter": list_filter}).content.decode()
        return {c.public_id for c in (buying, selling) if c.get_absolute_url() in body}

    assert rows("all") == {buying.public_id, selling.public_id}
    assert rows("buying") == {buying.public_id}
    assert rows("selling") == {selling.public_id}
    assert rows("unread") == {selling.public_id}
    assert rows("archived") == set()
    assert rows("nonsense") == {buying.public_id, selling.public_id}


def test_non_participants_cannot_mark_or_archive(login, conversation, stranger):
    client = login(stranger)
    assert client.post(reverse("chat:mark_unread", args=[conversation.public_id])).status_code == 404
    assert client.post(reverse("chat:archive", args=[conversation.public_id])).status_code == 404


# --- Quick replies -------------------------------------------------------------------------------------


def test_quick_replies_for_buyers_on_the_ad_page_and_sellers_in_the_chat(
    login, conversation, ad, seller, stranger
):
    ad_page = login(stranger).get(ad.get_absolute_url()).content.decode()
    assert 'data-quick-reply="What&#x27;s the lowest price?" data-target="#id_body"' in ad_page
    chat_page = login(seller).get(conversation.get_absolute_url()).content.decode()
    assert 'data-quick-reply="Sorry, it&#x27;s sold."' in chat_page


@pytest.mark.django_db(transaction=True)
def test_opening_a_conversation_shows_it_read_in_the_list_and_the_badge_at_once(client, settings):
    """The page reads the list token ahead (issue 30), then marks the conversation read, whose commit
    replaces that token: the list and badge on this very page must not come from the fragment cached
    under the old token (they showed the conversation still unread)."""
    settings.MARKETPLACE_FRAGMENT_CACHE_S = 600
    seller, buyer = UserFactory(), UserFactory()
    conversation, _ = services.conversation_start(buyer=buyer, ad=AdFactory(owner=seller), body="Hi")
    client.force_login(seller)
    client.get(conversation.get_absolute_url())  # open: read
    services.message_send(conversation=conversation, sender=buyer, body="Still there?")
    # The open page's list poll renders (and caches) the list with this conversation unread.
    poll = {"token": "stale", "user_key": user_key(seller), "active": conversation.public_id}
    polled = client.get(reverse("chat:list_poll"), poll, headers=HTMX).content.decode()
    assert 'class="row-unread"' in polled and 'data-count="1"' in polled
    page = client.get(conversation.get_absolute_url()).content.decode()
    assert selectors.unread_conversation_count(user=seller) == 0
    assert 'class="row-unread"' not in page, "the list still shows it unread"
    assert 'data-count="0"' in page, "the badge still counts it"
