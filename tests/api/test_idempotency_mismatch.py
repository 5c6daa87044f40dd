"""API: an Idempotency-Key stands for one request. The same key with another body, reply or photos is 422
``idempotency_key_mismatch`` (Stripe's rule) and stores nothing; the same request again is still 200."""

import io
from decimal import Decimal

import pytest

from chat.models import Message, Offer
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


def test_write_to_seller_with_the_same_key_and_another_body_is_422(token_client, buyer, ad):
    client = token_client(buyer)
    url = f"/api/v1/ads/{ad.public_id}/conversations/"
    first = client.post(url, {"body": "Is it still available?"}, format="json", **KEY)
    assert first.status_code == 201

    other = client.post(url, {"body": "Would you take 300?"}, format="json", **KEY)
    same = client.post(url, {"body": "Is it still available?"}, format="json", **KEY)

    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_mismatch"
    assert same.status_code == 200 and same.json()["message"]["id"] == first.json()["message"]["id"]
    assert list(Message.objects.filter(sender=buyer).values_list("body", flat=True)) == [
        "Is it still available?"
    ]


def test_an_offer_with_the_same_key_and_another_amount_is_422(token_client, buyer, conversation):
    client = token_client(buyer)
    url = f"/api/v1/conversations/{conversation.public_id}/offers/"
    first = client.post(url, {"amount": "400"}, format="json", **KEY)
    assert first.status_code == 201

    other = client.post(url, {"amount": "380"}, format="json", **KEY)
    same = client.post(url, {"amount": "400.00"}, format="json", **KEY)  # the same amount, written otherwise

    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_mismatch"
    assert same.status_code == 200 and same.json()["offer"]["id"] == first.json()["offer"]["id"]
    assert list(Offer.objects.values_list("amount", flat=True)) == [Decimal("400.00")]
