"""API: an account that has not confirmed its email address cannot write (finding 11 of issue 23)."""

import pytest
from django.core import mail

from accounts import services
from chat import services as chat_services
from chat.errors import ERROR_MESSAGES
from chat.models import Conversation, Message
from tests.factories import AdFactory, UserFactory

pytestmark = pytest.mark.django_db


def signed_up_user(email: str):
    return services.user_signup(
        email=email, password="a-Long-pass-phrase-77", display_name="New", send_email=False
    )


def test_the_api_refuses_an_unverified_sender_with_email_unverified(token_client, committed):
    seller = signed_up_user(email="seller@example.com")
    newcomer = signed_up_user(email="buyer@example.com")
    ad = AdFactory(owner=seller)
    conversation, _message = chat_services.conversation_start(buyer=UserFactory(), ad=ad, body="Hi")
    start = token_client(newcomer).post(
        f"/api/v1/ads/{ad.public_id}/conversations/", {"body": "Hi"}, format="json"
    )
    base = f"/api/v1/conversations/{conversation.public_id}/"
    client = token_client(seller)
    send = client.post(f"{base}messages/send/", {"body": "Yes"}, format="json")
    offer = client.post(f"{base}offers/", {"amount": "10"}, format="json")
    for response in (start, send, offer):
        assert response.status_code == 400
        assert response.json() == {
            "code": "email_unverified",
            "message": str(ERROR_MESSAGES["email_unverified"]),
        }
    assert Message.objects.count() == 1 and Conversation.objects.count() == 1
    with committed():
        resend = client.post("/api/v1/auth/verification/resend/")
    assert resend.status_code == 202 and mail.outbox[0].to == ["seller@example.com"]
    verified = token_client(UserFactory()).post("/api/v1/auth/verification/resend/")
    assert verified.status_code == 400 and verified.json()["code"] == "already_verified"
