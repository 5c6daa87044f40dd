"""API: sends to a suspended user are refused with a code."""

import pytest

from accounts.services import user_make_moderator
from chat.moderation import services as moderation
from tests.chat.test_views_suspended import REFUSAL
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_api_refuses_a_send_to_a_suspended_user_with_a_code(token_client, conversation, buyer, seller):
    moderation.user_suspend(user=seller, moderator=user_make_moderator(user=UserFactory()))
    client = token_client(buyer)
    url = f"/api/v1/conversations/{conversation.public_id}/"

    sent = client.post(f"{url}messages/send/", {"body": "Hello?"}, format="json")
    offered = client.post(f"{url}offers/", {"amount": "400"}, format="json")

    assert sent.status_code == 400 and sent.json()["code"] == "recipient_suspended"
    assert sent.json()["message"] == REFUSAL
    assert offered.status_code == 400 and offered.json()["code"] == "recipient_suspended"
