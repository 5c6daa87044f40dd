"""What the schema calls invalid, the API refuses (Schemathesis' negative-data check in
test_schema_fuzz.py found each): JSON bodies take JSON's own types only, an empty Idempotency-Key header and
an empty integer query parameter are 400. Form bodies keep DRF's text conversions."""

import pytest

from chat.models import Message

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("ads/{ad}/conversations/", {"body": 0}, "body"),
        ("conversations/{conversation}/mute/", {"value": "true"}, "value"),
        ("conversations/{conversation}/mute/", {"value": 1}, "value"),
        ("conversations/{conversation}/offers/", {"amount": 400}, "amount"),
        ("conversations/{conversation}/review/", {"reliability": "5", "friendliness": 5}, "reliability"),
        ("conversations/{conversation}/report/", {"reason": "spam", "details": 0}, "details"),
        ("conversations/{conversation}/report/", {"reason": "spam", "block": "false"}, "block"),
    ],
)
def test_a_json_body_of_the_wrong_type_is_a_400(token_client, buyer, ad, conversation, path, body, field):
    url = "/api/v1/" + path.format(ad=ad.public_id, conversation=conversation.public_id)
    messages = Message.objects.count()
    response = token_client(buyer).post(url, body, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid" and field in response.json()["fields"]
    assert Message.objects.count() == messages


def test_a_form_body_keeps_drf_text_conversions(token_client, buyer, conversation):
    url = f"/api/v1/conversations/{conversation.public_id}/mute/"
    response = token_client(buyer).post(url, {"value": "true"}, format="multipart")
    assert response.status_code == 200 and response.json()["muted"] is True


def test_an_empty_idempotency_key_header_is_a_400(token_client, buyer, conversation):
    url = f"/api/v1/conversations/{conversation.public_id}/offers/"
    response = token_client(buyer).post(url, {"amount": "400"}, format="json", HTTP_IDEMPOTENCY_KEY="")
    assert response.status_code == 400 and response.json()["code"] == "bad_idempotency_key"


@pytest.mark.parametrize("path", ["ads/?posted=", "conversations/{conversation}/messages/?after="])
def test_an_empty_integer_query_parameter_is_a_400(token_client, buyer, conversation, path):
    url = "/api/v1/" + path.format(conversation=conversation.public_id)
    response = token_client(buyer).get(url)
    assert response.status_code == 400 and response.json()["code"] == "invalid"
