"""API: an Idempotency-Key stands for one request. The same key with another body, reply or photos is 422
``idempotency_key_mismatch`` (Stripe's rule) and stores nothing; the same request again is still 200."""

import io

import pytest

from chat.models import Message
from tests.conftest import make_image_bytes

pytestmark = pytest.mark.django_db

KEY = {"HTTP_IDEMPOTENCY_KEY": "mismatch-key-00000001"}


def send_url(conversation):
    return f"/api/v1/conversations/{conversation.public_id}/messages/send/"


def photo(colour):
    upload = io.BytesIO(make_image_bytes(colour=colour))
    upload.name = "photo.jpg"
    return upload


def test_the_same_key_with_another_body_is_422_and_stores_nothing(token_client, buyer, conversation):
    client = token_client(buyer)
    first = client.post(send_url(conversation), {"body": "Is 400 ok?"}, format="json", **KEY)
    assert first.status_code == 201

    other = client.post(send_url(conversation), {"body": "Is 380 ok?"}, format="json", **KEY)

    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_mismatch" and other.json()["message"]
    assert not Message.objects.filter(body="Is 380 ok?").exists()
    same = client.post(send_url(conversation), {"body": "Is 400 ok?"}, format="json", **KEY)
    assert same.status_code == 200 and same.json()["id"] == first.json()["id"]
    assert Message.objects.filter(body="Is 400 ok?").count() == 1


def test_the_same_key_with_another_reply_or_photo_is_422(token_client, buyer, conversation):
    client = token_client(buyer)
    first_message = conversation.messages.get()
    sent = client.post(
        send_url(conversation), {"body": "", "photos": [photo((200, 30, 30))]}, format="multipart", **KEY
    )
    assert sent.status_code == 201

    other_photo = client.post(
        send_url(conversation), {"body": "", "photos": [photo((30, 200, 30))]}, format="multipart", **KEY
    )
    as_reply = client.post(
        send_url(conversation),
        {"body": "", "photos": [photo((200, 30, 30))], "reply_to": first_message.id},
        format="multipart",
        **KEY,
    )
    same = client.post(
        send_url(conversation), {"body": "", "photos": [photo((200, 30, 30))]}, format="multipart", **KEY
    )

    assert other_photo.status_code == as_reply.status_code == 422
    assert as_reply.json()["code"] == "idempotency_key_mismatch"
    assert same.status_code == 200 and same.json()["id"] == sent.json()["id"]
    assert Message.objects.filter(sender=buyer).count() == 2  # the first message and the photo


def test_the_schema_documents_the_422(api):
    schema = api.get("/api/v1/schema/", {"format": "json"})
    send = schema.json()["paths"]["/api/v1/conversations/{public_id}/messages/send/"]["post"]
    assert "422" in send["responses"]
