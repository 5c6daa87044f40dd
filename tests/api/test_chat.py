"""API: conversations, messages, offers and the 404 matrix, through the same services as the pages."""

import io

import pytest

from chat import services
from chat.models import Message, MessageReaction, Offer
from tests.conftest import make_image_bytes
from tests.factories import AdFactory, UserFactory

pytestmark = pytest.mark.django_db


def conv_url(conversation, rest=""):
    return f"/api/v1/conversations/{conversation.public_id}/{rest}"


def test_start_a_conversation_exactly_once_with_an_idempotency_key(token_client, buyer, ad):
    client = token_client(buyer)
    url = f"/api/v1/ads/{ad.public_id}/conversations/"
    headers = {"HTTP_IDEMPOTENCY_KEY": "start-key-0000000001"}
    first = client.post(url, {"body": "Hi, is it available?"}, format="json", **headers)
    assert first.status_code == 201
    again = client.post(url, {"body": "Hi, is it available?"}, format="json", **headers)
    assert again.status_code == 200 and again.json()["message"]["id"] == first.json()["message"]["id"]
    assert Message.objects.count() == 1
    body = first.json()
    assert body["conversation"]["role"] == "buyer" and body["conversation"]["ad"]["title"] == ad.title
    own = token_client(ad.owner).post(url, {"body": "Hi"}, format="json")
    assert own.status_code == 400 and own.json()["code"] == "own_ad"


def test_the_list_pages_with_a_cursor_and_costs_the_same_for_1_and_45(
    token_client, seller, django_assert_num_queries, settings
):
    settings.MARKETPLACE_CONVERSATIONS_PAGE_SIZE = 20
    ad = AdFactory(owner=seller)
    for index in range(45):
        services.conversation_start(buyer=UserFactory(), ad=ad, body=f"Hi {index}")
    client = token_client(seller)
    # the token with its user, knox's look at the user's other tokens (expired ones are deleted), the
    # conversations page, the user's last-seen stamp (at most once a minute), one UPDATE of the delivery
    # pointers of the rows whose buyer's message was not fetched yet (all 20 at once), the viewer's labels
    # on the 20 rows (one query for the page)
    with django_assert_num_queries(6):
        first = client.get("/api/v1/conversations/").json()
    seen = [row["public_id"] for row in first["results"]]
    while first["next_cursor"]:
        first = client.get("/api/v1/conversations/", {"before": first["next_cursor"]}).json()
        seen += [row["public_id"] for row in first["results"]]
    assert len(seen) == len(set(seen)) == 45
    assert client.get("/api/v1/conversations/", {"before": "garbage!"}).json()["code"] == "bad_cursor"


def test_send_exactly_once_with_a_reply_and_photos(token_client, buyer, seller, conversation):
    client = token_client(seller)
    first = conversation.messages.get()
    headers = {"HTTP_IDEMPOTENCY_KEY": "send-key-000000000001"}
    sent = client.post(
        conv_url(conversation, "messages/send/"),
        {"body": "Yes!", "reply_to": first.id},
        format="json",
        **headers,
    )
    assert sent.status_code == 201 and sent.json()["reply_to"]["id"] == first.id
    assert (
        client.post(
            conv_url(conversation, "messages/send/"),
            {"body": "Yes!", "reply_to": first.id},
            format="json",
            **headers,
        ).status_code
        == 200
    )
    assert conversation.messages.count() == 2
    photo = io.BytesIO(make_image_bytes())
    photo.name = "sofa.jpg"
    with_photo = client.post(
        conv_url(conversation, "messages/send/"), {"body": "", "photos": [photo]}, format="multipart"
    )
    assert with_photo.status_code == 201
    [shown] = with_photo.json()["photos"]
    assert shown["url"].endswith("/full/") and shown["width"] > 0
    # The app fetches it with its token (the site's photo view wants a browser session).
    image = token_client(buyer).get(shown["thumbnail_url"])
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"
    assert token_client(UserFactory()).get(shown["url"]).status_code == 404
    empty = client.post(conv_url(conversation, "messages/send/"), {"body": "  "}, format="json")
    assert empty.status_code == 400 and empty.json()["code"] == "empty"


def test_messages_page_both_ways_and_cost_the_same_for_1_and_60(
    token_client, buyer, conversation, django_assert_num_queries
):
    for index in range(59):
        services.message_send(conversation=conversation, sender=buyer, body=f"m{index}")
    client = token_client(buyer)
    # the token with its user, knox's look at the user's other tokens, the conversation, the page, the
    # last-seen stamp (reading is not marking read: no read-pointer update)
    with django_assert_num_queries(5):
        latest = client.get(conv_url(conversation, "messages/")).json()
    assert len(latest["results"]) == 50 and latest["has_more"]
    oldest_shown = latest["results"][0]["id"]
    older = client.get(conv_url(conversation, "messages/"), {"before": oldest_shown}).json()
    assert len(older["results"]) == 10 and not older["has_more"]
    newer = client.get(conv_url(conversation, "messages/"), {"after": older["results"][-1]["id"]}).json()
    assert [m["id"] for m in newer["results"]] == [m["id"] for m in latest["results"]]


def test_edit_react_and_delete(token_client, buyer, seller, conversation):
    message = services.message_send(conversation=conversation, sender=buyer, body="Is it 200 cm?")
    client = token_client(buyer)
    edited = client.patch(
        conv_url(conversation, f"messages/{message.id}/"), {"body": "Is it 210 cm?"}, format="json"
    )
    assert (
        edited.status_code == 200 and edited.json()["body"] == "Is it 210 cm?" and edited.json()["edited_at"]
    )
    other = token_client(seller)
    refused = other.patch(conv_url(conversation, f"messages/{message.id}/"), {"body": "x"}, format="json")
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    reacted = other.put(
        conv_url(conversation, f"messages/{message.id}/reaction/"), {"emoji": "👍"}, format="json"
    )
    assert reacted.json()["reactions"] == [{"emoji": "👍", "mine": True}]
    assert (
        other.put(
            conv_url(conversation, f"messages/{message.id}/reaction/"), {"emoji": "🦄"}, format="json"
        ).status_code
        == 400
    )
    other.delete(conv_url(conversation, f"messages/{message.id}/reaction/"))
    assert not MessageReaction.objects.exists()
    deleted = client.delete(conv_url(conversation, f"messages/{message.id}/"))
    assert deleted.json()["deleted"] is True and deleted.json()["body"] is None


def test_offers_counter_offers_and_the_deal(token_client, buyer, seller, conversation, ad):
    buyer_client, seller_client = token_client(buyer), token_client(seller)
    above = buyer_client.post(conv_url(conversation, "offers/"), {"amount": "500"}, format="json")
    assert above.status_code == 400 and above.json()["code"] == "offer_above_asking"
    offer = buyer_client.post(conv_url(conversation, "offers/"), {"amount": "380"}, format="json").json()[
        "offer"
    ]
    counter = seller_client.post(conv_url(conversation, "offers/"), {"amount": "420"}, format="json").json()[
        "offer"
    ]
    assert counter["counter_to"] == offer["id"] and counter["mine"] is True
    own = seller_client.post(conv_url(conversation, f"offers/{counter['id']}/accept/"))
    assert own.status_code == 400 and own.json()["code"] == "offer_own"
    accepted = buyer_client.post(conv_url(conversation, f"offers/{counter['id']}/accept/")).json()
    assert accepted["offer"]["status"] == "accepted"
    services.conversation_start(buyer=UserFactory(), ad=ad, body="Still there?")
    reserved = seller_client.post(conv_url(conversation, f"offers/{counter['id']}/reserve/")).json()
    assert reserved["conversations_told"] == 1
    detail = buyer_client.get(conv_url(conversation)).json()
    assert detail["ad"]["status"] == "reserved" and detail["ad"]["deal_is_mine"] and not detail["offers_open"]
    assert Offer.objects.get(pk=offer["id"]).status == "countered"


def test_non_participants_get_404_for_everything(token_client, conversation, buyer):
    message = conversation.messages.get()
    offer = services.offer_make(conversation=conversation, user=buyer, amount="100")
    stranger = token_client(UserFactory())
    requests = [
        ("get", ""),
        ("get", "messages/"),
        ("get", "changes/"),
        ("post", "messages/send/"),
        ("patch", f"messages/{message.id}/"),
        ("put", f"messages/{message.id}/reaction/"),
        ("post", "read/"),
        ("post", "unread/"),
        ("post", "hide/"),
        ("post", "archive/"),
        ("post", "mute/"),
        ("post", "block/"),
        ("post", "offers/"),
        ("post", f"offers/{offer.id}/accept/"),
        ("get", "review/"),
        ("post", "report/"),
    ]
    for method, rest in requests:
        response = getattr(stranger, method)(conv_url(conversation, rest), {}, format="json")
        assert (rest, response.status_code, response.json()["code"]) == (rest, 404, "not_found")
    missing = stranger.get("/api/v1/conversations/AAAAAAAAAA/")
    assert missing.status_code == 404


def test_state_changes_read_unread_archive_mute_block(token_client, buyer, seller, conversation):
    client = token_client(seller)
    assert client.post(conv_url(conversation, "read/")).json()["unread_count"] == 0
    assert client.post(conv_url(conversation, "unread/")).json()["unread_count"] == 1
    assert (
        client.post(conv_url(conversation, "archive/"), {"value": True}, format="json").json()["archived"]
        is True
    )
    assert (
        client.post(conv_url(conversation, "mute/"), {"value": True}, format="json").json()["muted"] is True
    )
    assert client.post(conv_url(conversation, "block/")).json()["blocked_by_me"] is True
    blocked = token_client(buyer).post(
        conv_url(conversation, "messages/send/"), {"body": "hello?"}, format="json"
    )
    assert blocked.status_code == 403 and blocked.json()["code"] == "blocked"
    assert client.delete(f"/api/v1/blocks/{buyer.public_id}/").status_code == 204
    assert client.get("/api/v1/unread/").json() == {"unread_conversations": 1}


def test_reporting_through_the_api(token_client, buyer, seller, conversation, ad):
    message = services.message_send(conversation=conversation, sender=seller, body="Pay by wire first")
    client = token_client(buyer)
    report = client.post(
        conv_url(conversation, "report/"),
        {"reason": "scam", "message": message.id},
        format="json",
        HTTP_IDEMPOTENCY_KEY="report-key-000000001",
    )
    assert report.status_code == 201 and report.json()["reason"] == "scam"
    bad = client.post(conv_url(conversation, "report/"), {"reason": "nope"}, format="json")
    assert bad.status_code == 400 and "reason" in bad.json()["fields"]
    assert (
        token_client(UserFactory())
        .post(f"/api/v1/ads/{ad.public_id}/report/", {"reason": "spam"}, format="json")
        .status_code
        == 201
    )
