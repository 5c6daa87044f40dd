"""API: pins and labels, private to the viewer; strangers get 404; the limits answer {code, message}."""

import pytest

from chat import services
from tests.factories import AdFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_pin_and_unpin_and_the_limit(token_client, seller, conversation):
    client = token_client(seller)
    url = f"/api/v1/conversations/{conversation.public_id}/pin/"
    pinned = client.post(url, {"value": True}, format="json")
    assert pinned.status_code == 200 and pinned.json()["pinned"] is True
    rows = client.get("/api/v1/conversations/", {"pinned": "true"}).json()["results"]
    assert [row["public_id"] for row in rows] == [conversation.public_id] and rows[0]["pinned"] is True
    assert client.get("/api/v1/conversations/", {"pinned": "false"}).json()["results"] == []
    assert client.get("/api/v1/conversations/", {"pinned": "yes"}).status_code == 400
    for _ in range(4):
        other = services.conversation_start(buyer=UserFactory(), ad=AdFactory(owner=seller), body="Hi")[0]
        services.conversation_set_pinned(conversation=other, user=seller, pinned=True)
    sixth = services.conversation_start(buyer=UserFactory(), ad=AdFactory(owner=seller), body="Hi")[0]
    refused = client.post(f"/api/v1/conversations/{sixth.public_id}/pin/", {"value": True}, format="json")
    assert refused.status_code == 400
    assert refused.json() == {
        "code": "pin_limit",
        "message": "You can pin up to 5 conversations. Unpin one first.",
    }
    assert client.post(url, {"value": False}, format="json").json()["pinned"] is False


def test_labels_create_list_put_filter_delete(token_client, seller, buyer, conversation):
    client = token_client(seller)
    created = client.post("/api/v1/labels/", {"name": "to ship"}, format="json")
    assert created.status_code == 201
    label = created.json()
    assert client.post("/api/v1/labels/", {"name": "TO SHIP"}, format="json").json()["code"] == "label_exists"
    assert client.get("/api/v1/labels/").json() == {"labels": [label]}
    url = f"/api/v1/conversations/{conversation.public_id}/labels/"
    assert client.put(url, {"labels": [label["id"]]}, format="json").json() == {"labels": [label]}
    assert client.get(url).json() == {"labels": [label]}
    rows = client.get("/api/v1/conversations/", {"label": label["id"]}).json()["results"]
    assert [row["public_id"] for row in rows] == [conversation.public_id]
    # The buyer neither sees the seller's labels nor can use them.
    other = token_client(buyer)
    assert other.get("/api/v1/labels/").json() == {"labels": []}
    assert other.put(url, {"labels": [label["id"]]}, format="json").json()["code"] == "label_unknown"
    assert other.delete(f"/api/v1/labels/{label['id']}/").status_code == 404
    assert client.delete(f"/api/v1/labels/{label['id']}/").status_code == 204
    assert client.get(url).json() == {"labels": []}


def test_conversation_rows_and_detail_carry_the_viewers_own_labels(token_client, seller, buyer, conversation):
    other = services.conversation_start(buyer=UserFactory(), ad=AdFactory(owner=seller), body="Hi")[0]
    urgent = services.label_create(user=seller, name="Urgent")
    bike = services.label_create(user=seller, name="Bike parts")
    services.conversation_set_labels(conversation=conversation, user=seller, label_ids=[urgent.pk, bike.pk])
    client = token_client(seller)
    rows = {row["public_id"]: row for row in client.get("/api/v1/conversations/").json()["results"]}
    assert rows[conversation.public_id]["labels"] == [
        {"id": bike.pk, "name": "Bike parts"},
        {"id": urgent.pk, "name": "Urgent"},
    ]
    assert rows[other.public_id]["labels"] == []
    detail = client.get(f"/api/v1/conversations/{conversation.public_id}/").json()
    assert [label["name"] for label in detail["labels"]] == ["Bike parts", "Urgent"]
    # Private: the other participant sees none of them.
    mine = token_client(buyer).get(f"/api/v1/conversations/{conversation.public_id}/").json()
    assert mine["labels"] == []


def test_a_label_change_ends_the_304_of_the_conversations_changes(
    token_client, seller, conversation, committed
):
    client = token_client(seller)
    url = f"/api/v1/conversations/{conversation.public_id}/changes/"
    first = client.get(url, {"after": 0, "change_seq": 0}).json()
    params = {"after": first["messages"][-1]["id"], "change_seq": first["conversation"]["change_seq"]}
    etag = client.get(url, params)["ETag"]  # the token of this view is stored by this full answer
    assert client.get(url, params, HTTP_IF_NONE_MATCH=etag).status_code == 304
    with committed():
        label = services.label_create(user=seller, name="Urgent")
        services.conversation_set_labels(conversation=conversation, user=seller, label_ids=[label.pk])
    labelled = client.get(url, params, HTTP_IF_NONE_MATCH=etag)
    assert labelled.status_code == 200 and labelled.json()["conversation"]["labels"][0]["name"] == "Urgent"
    assert client.get(url, params, HTTP_IF_NONE_MATCH=labelled["ETag"]).status_code == 304
    with committed():
        services.label_delete(user=seller, label_id=label.pk)
    unlabelled = client.get(url, params, HTTP_IF_NONE_MATCH=labelled["ETag"])
    assert unlabelled.status_code == 200 and unlabelled.json()["conversation"]["labels"] == []


def test_strangers_get_404(token_client, stranger, conversation):
    client = token_client(stranger)
    base = f"/api/v1/conversations/{conversation.public_id}/"
    assert client.post(f"{base}pin/", {"value": True}, format="json").status_code == 404
    assert client.get(f"{base}labels/").status_code == 404
    assert client.put(f"{base}labels/", {"labels": []}, format="json").status_code == 404
