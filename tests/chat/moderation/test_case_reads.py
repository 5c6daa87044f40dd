"""What moderators read on a case page is logged, a moderator's own report is no grounds to read, and a
closed report cannot be dismissed again."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.services import user_make_moderator
from chat import services
from chat.models import MessagePhoto
from chat.moderation import selectors as moderation_selectors
from chat.moderation import services as moderation
from chat.moderation.models import ModerationAction, Report
from tests.chat.test_services_edits import _photo
from tests.chat.test_services_reputation import review, talked
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

VIEW = ModerationAction.Action.VIEW_CONVERSATION


@pytest.fixture
def moderator(db):
    return user_make_moderator(user=UserFactory(email="mod@example.com"))


def case_url(report):
    return reverse("admin:moderation_report_change", args=[report.pk])


def test_each_view_of_a_case_page_with_messages_is_logged(client, moderator, conversation, buyer, seller):
    services.message_send(conversation=conversation, sender=seller, body="Pay the deposit first")
    report = moderation.report_create(reporter=buyer, conversation=conversation, reason="scam")
    client.force_login(moderator)

    for _ in range(2):
        assert "Pay the deposit first" in client.get(case_url(report)).content.decode()

    logged = ModerationAction.objects.filter(action=VIEW).order_by("id")
    assert [(row.moderator_id, row.conversation_id, row.report_id) for row in logged] == [
        (moderator.pk, conversation.pk, report.pk)
    ] * 2
    assert "Read a conversation" in client.get(case_url(report)).content.decode()  # in the case log


def test_the_case_page_of_an_ad_report_shows_no_messages_and_logs_no_read(client, moderator, ad, buyer):
    report = moderation.report_ad_create(reporter=buyer, ad=ad, reason="prohibited")
    client.force_login(moderator)
    assert client.get(case_url(report)).status_code == 200
    assert not ModerationAction.objects.filter(action=VIEW).exists()


@pytest.fixture
def published(buyer, ad):
    conversation = talked(buyer, ad)
    services.message_send(
        conversation=conversation,
        sender=buyer,
        body="my home address is 5 Elm St",
        photos=[_photo()],
    )
    written = review(conversation, buyer, stars=1, text="Rude and late, avoid")
    review(conversation, ad.owner)
    return written


def test_a_moderators_own_report_of_a_review_opens_no_conversation(client, moderator, published):
    client.force_login(moderator)
    url = reverse("moderation:review_report", args=[published.pk])
    assert client.post(url, {"reason": "harassment"}).status_code == 302
    report = Report.objects.get(reporter=moderator)
    assert report.conversation_id == published.conversation_id  # the review's evidence

    page = client.get(case_url(report)).content.decode()

    assert "Rude and late, avoid" in page  # the public review itself
    assert "5 Elm St" not in page and "still available" not in page
    assert "You filed this report" in page
    assert not ModerationAction.objects.filter(action=VIEW).exists()
    conversation = published.conversation
    assert not moderation_selectors.moderator_may_read(moderator=moderator, conversation=conversation)
    photo = MessagePhoto.objects.get()
    photo_url = reverse("moderation:message_photo", args=[conversation.public_id, photo.pk, "full"])
    assert client.get(photo_url).status_code == 404
    # Removing a message over their own report is refused too, and nothing changes.
    act = reverse("admin:moderation_report_act", args=[report.pk])
    client.post(act, {"action": "remove_message", "message": photo.message_id, "confirmed": "1"})
    photo.message.refresh_from_db()
    assert photo.message.removed_by_moderator_at is None

    # Another moderator works the case with the report as grounds, logged.
    other = user_make_moderator(user=UserFactory())
    client.force_login(other)
    assert "5 Elm St" in client.get(case_url(report)).content.decode()
    assert ModerationAction.objects.filter(action=VIEW, moderator=other, report=report).count() == 1
    assert client.get(photo_url).status_code == 200


def test_dismissing_an_actioned_report_is_refused_and_logs_nothing(
    client, moderator, conversation, buyer, seller
):
    message = services.message_send(conversation=conversation, sender=seller, body="Western Union only")
    report = moderation.report_create(
        reporter=buyer, conversation=conversation, reason="scam", message=message
    )
    moderation.message_remove(message=message, moderator=moderator, report=report)
    client.force_login(moderator)
    assert 'value="dismiss"' not in client.get(case_url(report)).content.decode()  # only open ones

    response = client.post(
        reverse("admin:moderation_report_act", args=[report.pk]), {"action": "dismiss"}, follow=True
    )

    assert "This report is already closed, so nothing was dismissed." in response.content.decode()
    report.refresh_from_db()
    assert report.status == Report.Status.ACTIONED
    assert not ModerationAction.objects.filter(action=ModerationAction.Action.DISMISS_REPORT).exists()


def test_a_report_is_dismissed_once(moderator, conversation, buyer):
    report = moderation.report_create(reporter=buyer, conversation=conversation, reason="other")
    moderation.report_dismiss(report=report, moderator=moderator)
    with pytest.raises(ValidationError) as refused:
        moderation.report_dismiss(report=report, moderator=moderator)
    assert refused.value.code == "report_closed"
    assert ModerationAction.objects.filter(action=ModerationAction.Action.DISMISS_REPORT).count() == 1
