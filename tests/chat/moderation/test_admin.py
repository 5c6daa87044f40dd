import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.services import user_make_moderator
from chat import services
from chat.moderation.models import ModerationAction
from tests.factories import AdFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator_client(client):
    moderator = user_make_moderator(user=UserFactory(email="mod@example.com"))
    client.force_login(moderator)
    return client


def make_conversations(count):
    conversations = []
    for _ in range(count):
        conversation, _ = services.conversation_start(buyer=UserFactory(), ad=AdFactory(), body="Hi there")
        conversations.append(conversation)
    return conversations


def test_conversation_changelist_query_count_does_not_grow_with_rows(moderator_client):
    url = reverse("admin:chat_conversation_changelist")
    make_conversations(1)
    moderator_client.get(url)
    with CaptureQueriesContext(connection) as one_row:
        assert moderator_client.get(url).status_code == 200
    make_conversations(29)
    with CaptureQueriesContext(connection) as thirty_rows:
        body = moderator_client.get(url).content.decode()
    assert body.count('class="field-ad_title"') == 30
    assert len(thirty_rows.captured_queries) == len(one_row.captured_queries)


def test_conversation_search_by_email_public_id_and_title(moderator_client):
    first, second = make_conversations(2)
    url = reverse("admin:chat_conversation_changelist")
    for term in (first.buyer.email, first.public_id, first.ad_title):
        body = moderator_client.get(url, {"q": term}).content.decode()
        assert first.public_id in body and second.public_id not in body


def test_moderators_read_messages_only_through_the_logged_action(moderator_client):
    (conversation,) = make_conversations(1)
    page = moderator_client.get(reverse("admin:chat_conversation_change", args=[conversation.pk]))
    assert page.status_code == 200 and "Hi there" not in page.content.decode()
    assert moderator_client.get(reverse("admin:chat_message_changelist")).status_code == 403
    message = conversation.messages.get()
    response = moderator_client.post(
        reverse("admin:chat_message_change", args=[message.pk]), {"body": "edited"}
    )
    assert response.status_code == 403

    read_url = reverse("admin:chat_conversation_read", args=[conversation.pk])
    form = moderator_client.get(read_url).content.decode()
    assert "Why do you need to read it?" in form and "Hi there" not in form
    refused = moderator_client.post(read_url, {"reason": "  "}).content.decode()
    assert "Say why you need to read this conversation." in refused and "Hi there" not in refused
    assert not ModerationAction.objects.exists()

    shown = moderator_client.post(read_url, {"reason": "Police request #123"}).content.decode()
    assert "Hi there" in shown
    logged = ModerationAction.objects.get()
    assert logged.action == "view_conversation" and logged.note == "Police request #123"
    assert logged.conversation == conversation and logged.moderator.email == "mod@example.com"
    message.refresh_from_db()
    assert message.body == "Hi there"


def test_moderator_removes_an_ad_through_the_admin_action(moderator_client):
    (conversation,) = make_conversations(1)
    ad = conversation.ad
    moderator_client.post(
        reverse("admin:ads_ad_changelist"), {"action": "remove_ads", "_selected_action": [ad.pk]}
    )
    ad.refresh_from_db()
    conversation.refresh_from_db()
    assert ad.status == conversation.ad_status == "removed"


def test_moderator_cannot_edit_users(moderator_client):
    user = UserFactory()
    response = moderator_client.post(
        reverse("admin:accounts_user_change", args=[user.pk]), {"is_superuser": "on"}
    )
    assert response.status_code == 403
