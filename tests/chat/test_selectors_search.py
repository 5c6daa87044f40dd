import pytest
from django.db import connection
from django.urls import reverse

from chat import selectors, services
from tests.factories import AdFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_search_finds_messages_only_in_own_conversations(conversation, buyer, seller, stranger):
    services.message_send(conversation=conversation, sender=seller, body="The bicycle has new tires")
    other, _ = services.conversation_start(
        buyer=stranger, ad=AdFactory(owner=seller), body="Do the tires work?"
    )

    hits = selectors.message_search_for_user(user=buyer, text="tires")
    assert [hit.body for hit in hits] == ["The bicycle has new tires"]
    assert {hit.conversation_id for hit in selectors.message_search_for_user(user=seller, text="tires")} == {
        conversation.pk,
        other.pk,
    }
    assert selectors.message_search_for_user(user=UserFactory(), text="tires") == []


def test_search_skips_deleted_history(conversation, buyer, seller):
    services.message_send(conversation=conversation, sender=seller, body="secret pickup address")
    services.conversation_hide(conversation=conversation, user=buyer)
    assert selectors.message_search_for_user(user=buyer, text="pickup") == []
    assert len(selectors.message_search_for_user(user=seller, text="pickup")) == 1
    services.message_send(conversation=conversation, sender=seller, body="new pickup time")
    assert [hit.body for hit in selectors.message_search_for_user(user=buyer, text="pickup")] == [
        "new pickup time"
    ]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="stemming needs PostgreSQL full-text search")
def test_postgresql_search_stems_words(conversation, seller, buyer):
    services.message_send(conversation=conversation, sender=seller, body="I am selling two bikes")
    assert len(selectors.message_search_for_user(user=buyer, text="bike sell")) == 1


def test_search_page_finds_people_ads_and_messages_and_links_into_context(login, conversation, buyer, seller):
    for n in range(60):
        services.message_send(conversation=conversation, sender=seller, body=f"filler {n}")
    target = conversation.messages.order_by("id").first()  # "Hi! Is this still available?"
    client = login(seller)

    body = client.get(reverse("chat:search"), {"q": "available"}).content.decode()
    link = f"{conversation.get_absolute_url()}?at={target.id}#message-{target.id}"
    assert link in body
    assert (
        client.get(reverse("chat:search"), {"q": "walnut"})
        .content.decode()
        .count(conversation.get_absolute_url())
        >= 1
    )
    assert (
        buyer.display_name in client.get(reverse("chat:search"), {"q": buyer.display_name}).content.decode()
    )

    in_context = client.get(conversation.get_absolute_url(), {"at": target.id}).content.decode()
    assert f'id="message-{target.id}"' in in_context
    assert "Show the latest messages" in in_context


def test_search_with_nothing_found_says_so(login, conversation, buyer):
    body = login(buyer).get(reverse("chat:search"), {"q": "zzzqqq"}).content.decode()
    assert "Nothing found." in body


def test_search_counts_the_conversations_its_messages_were_found_in(login, conversation, buyer, seller):
    services.message_send(conversation=conversation, sender=seller, body="Pickup after six works")
    services.message_send(conversation=conversation, sender=buyer, body="Great, pickup at seven then")

    body = login(buyer).get(reverse("chat:search"), {"q": "pickup"}).content.decode()

    # Both messages are in one conversation (its title and names do not match "pickup").
    assert "2 messages · 1 conversation for “pickup”" in body


def test_search_says_30_plus_only_when_more_than_30_messages_match(login, conversation, buyer, seller):
    for n in range(30):
        services.message_send(conversation=conversation, sender=seller, body=f"offer {n}")
    client = login(buyer)
    assert (
        "30 messages · 1 conversation for “offer”"
        in client.get(reverse("chat:search"), {"q": "offer"}).content.decode()
    )
    services.message_send(conversation=conversation, sender=seller, body="offer 30")
    assert (
        "30+ messages and 1 conversation for “offer”"
        in client.get(reverse("chat:search"), {"q": "offer"}).content.decode()
    )
