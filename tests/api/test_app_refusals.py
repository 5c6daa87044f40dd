"""API refusals written for an app: no "Reload the page" (an app has no page), 413 for what is too large,
403 for a block."""

import io

import pytest

from accounts import services as account_services
from tests.conftest import make_image_bytes

pytestmark = pytest.mark.django_db


def send_url(conversation):
    return f"/api/v1/conversations/{conversation.public_id}/messages/send/"


def test_a_bad_idempotency_key_is_explained_in_terms_of_the_header(token_client, buyer, conversation):
    answer = token_client(buyer).post(
        send_url(conversation), {"body": "Hi"}, format="json", HTTP_IDEMPOTENCY_KEY="short"
    )
    assert answer.status_code == 400 and answer.json()["code"] == "bad_idempotency_key"
    assert "Idempotency-Key" in answer.json()["message"] and "page" not in answer.json()["message"]


def test_a_key_reused_for_another_request_says_so_without_a_form(token_client, buyer, conversation):
    client, key = token_client(buyer), {"HTTP_IDEMPOTENCY_KEY": "app-key-00000000001"}
    client.post(send_url(conversation), {"body": "Hi"}, format="json", **key)
    answer = client.post(send_url(conversation), {"body": "Other"}, format="json", **key).json()
    assert answer["code"] == "idempotency_key_mismatch"
    assert "Idempotency-Key" in answer["message"] and "form" not in answer["message"]


def test_a_json_body_over_the_upload_limit_is_413(token_client, buyer, conversation, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    answer = token_client(buyer).post(send_url(conversation), {"body": "x" * 2000}, format="json")
    assert answer.status_code == 413 and answer.json()["code"] == "too_large"
    assert conversation.messages.count() == 1


def test_multipart_text_over_the_upload_limit_is_413(token_client, buyer, conversation, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    answer = token_client(buyer).post(send_url(conversation), {"body": "x" * 2000}, format="multipart")
    assert answer.status_code == 413 and answer.json()["code"] == "too_large"


def test_a_photo_over_the_photo_limit_is_413(token_client, buyer, conversation, settings):
    settings.MARKETPLACE_PHOTO_MAX_BYTES = 100
    photo = io.BytesIO(make_image_bytes())
    photo.name = "sofa.jpg"
    answer = token_client(buyer).post(send_url(conversation), {"photos": [photo]}, format="multipart")
    assert answer.status_code == 413 and answer.json()["code"] == "file_too_large"
    assert set(answer.json()) == {"code", "message"}


@pytest.mark.parametrize("blocker", ["buyer", "seller"])
def test_a_send_in_a_blocked_conversation_is_403(token_client, buyer, seller, conversation, blocker):
    by, of = (buyer, seller) if blocker == "buyer" else (seller, buyer)
    account_services.user_block(blocker=by, blocked=of)
    answer = token_client(buyer).post(send_url(conversation), {"body": "hello?"}, format="json")
    assert answer.status_code == 403 and answer.json()["code"] in {"blocked", "blocked_by_you"}
