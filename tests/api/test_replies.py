"""API: the away message, quick replies CRUD and search inside one conversation."""

from datetime import timedelta

import pytest
from django.utils import timezone

from chat import services

pytestmark = pytest.mark.django_db

AWAY = "/api/v1/settings/away/"
REPLIES = "/api/v1/settings/quick-replies/"


def test_away_message_round_trip_and_refusals(token_client, seller, buyer, conversation):
    client = token_client(seller)
    assert client.get(AWAY).json() == {
        "enabled": False,
        "text": "",
        "until": None,
        "active": False,
        "period": 0,
    }
    until = (timezone.now() + timedelta(days=2)).isoformat()
    body = client.put(AWAY, {"enabled": True, "text": "Back Monday.", "until": until}, format="json").json()
    assert body["active"] and body["period"] == 1 and body["text"] == "Back Monday."
    answer = client.put(AWAY, {"enabled": True, "text": ""}, format="json")
    assert answer.status_code == 400 and answer.json()["code"] == "away_text_required"
    past = (timezone.now() - timedelta(days=2)).isoformat()
    answer = client.put(AWAY, {"enabled": False, "text": "x", "until": past}, format="json")
    assert answer.status_code == 200  # turning it off: any date
    answer = client.put(AWAY, {"enabled": True, "text": "x", "until": past}, format="json")
    assert answer.status_code == 400 and answer.json()["code"] == "away_until_past"
    answer = client.put(AWAY, {"enabled": "yes", "text": 5}, format="json")
    assert answer.status_code == 400 and answer.json()["code"] == "invalid"


def test_the_away_message_reaches_the_buyer_as_a_system_message(token_client, seller, buyer, conversation):
    token_client(seller).put(AWAY, {"enabled": True, "text": "Back Monday."}, format="json")
    client = token_client(buyer)
    url = f"/api/v1/conversations/{conversation.public_id}/messages/"
    client.post(f"{url}send/", {"body": "Hello?"}, format="json")
    client.post(f"{url}send/", {"body": "Anyone?"}, format="json")
    kinds = [(m["kind"], m["body"]) for m in client.get(url).json()["results"]]
    assert kinds.count(("system", f"Automatic reply from {seller.display_name}: Back Monday.")) == 1


def test_quick_replies_crud(token_client, seller):
    client = token_client(seller)
    listed = client.get(REPLIES).json()
    assert listed["custom"] is False and [r["id"] for r in listed["results"]] == [None, None, None]
    added = client.post(REPLIES, {"text": "Pickup after 6 pm."}, format="json")
    assert added.status_code == 201 and added.json()["text"] == "Pickup after 6 pm."
    reply_id = added.json()["id"]
    listed = client.get(REPLIES).json()
    assert listed["custom"] is True and len(listed["results"]) == 4
    changed = client.patch(f"{REPLIES}{reply_id}/", {"text": "Pickup after 7 pm."}, format="json").json()
    assert changed["results"][-1] == {"id": reply_id, "text": "Pickup after 7 pm."}
    first = changed["results"][0]["id"]
    left = client.delete(f"{REPLIES}{first}/").json()["results"]
    assert first not in [r["id"] for r in left] and len(left) == 3
    reordered = client.put(REPLIES, {"texts": ["Pickup after 7 pm.", "Sorry, it's sold."]}, format="json")
    assert [r["id"] for r in reordered.json()["results"]][0] == reply_id
    assert client.delete(f"{REPLIES}999/").json()["code"] == "quick_reply_unknown"
    too_many = client.put(REPLIES, {"texts": [f"r{n}" for n in range(11)]}, format="json")
    assert too_many.status_code == 400
    too_long = client.post(REPLIES, {"text": "x" * 201}, format="json")
    assert too_long.status_code == 400


def test_search_in_a_conversation(
    token_client, buyer, seller, stranger, conversation, django_assert_num_queries
):
    early = services.message_send(conversation=conversation, sender=seller, body="The bicycle is blue")
    for n in range(60):
        services.message_send(conversation=conversation, sender=buyer, body=f"note {n}")
    url = f"/api/v1/conversations/{conversation.public_id}/search/"
    client = token_client(buyer)
    client.get(url, {"q": "warm"})
    # The token with its user, knox's look at the user's other tokens, the conversation (access), the
    # matches (no photos or reactions to fetch): the same with 61 messages as with one.
    with django_assert_num_queries(4):
        body = client.get(url, {"q": "bicycle"}).json()
    assert [m["id"] for m in body["results"]] == [early.id] and body["limited"] is False
    assert client.get(url, {"q": ""}).json()["code"] == "bad_query"
    assert client.get(url, {"q": "a\x00"}).status_code == 400
    assert token_client(stranger).get(url, {"q": "bicycle"}).status_code == 404
