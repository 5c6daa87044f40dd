"""A case's record stays true: nothing is done over a dismissed report or by its own reporter, and nothing
is logged that did not happen (found by outside testing: each was a logged action with no effect or a
report whose status contradicted its log)."""

import pytest
from django.urls import reverse

from accounts.services import user_make_moderator
from chat import services
from chat.models import Message
from chat.moderation import services as moderation
from chat.moderation.models import ModerationAction, Report
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator(db):
    return user_make_moderator(user=UserFactory(email="decider@example.com"))


def act(client, report, **data):
    return client.post(reverse("admin:moderation_report_act", args=[report.pk]), {"confirmed": "1", **data})


def test_nothing_is_done_over_a_dismissed_report(client, moderator, conversation, buyer, seller):
    message = services.message_send(conversation=conversation, sender=seller, body="Pay by gift card")
    report = moderation.report_create(
        reporter=buyer, conversation=conversation, reason="scam", message=message
    )
    moderation.report_dismiss(report=report, moderator=moderator)
    client.force_login(moderator)

    for data in ({"action": "remove_message", "message": str(message.pk)}, {"action": "suspend"}):
        response = act(client, report, **data)
        page = client.get(response["Location"]).content.decode()
        assert "This report was dismissed, so nothing was done over it." in page

    assert Message.objects.get(pk=message.pk).removed_by_moderator_at is None
    seller.refresh_from_db()
    assert seller.is_active and Report.objects.get(pk=report.pk).status == Report.Status.DISMISSED
    decisions = ModerationAction.objects.exclude(action=ModerationAction.Action.VIEW_CONVERSATION)
    assert list(decisions.values_list("action", flat=True)) == ["dismiss_report"]


def test_a_moderator_does_not_decide_their_own_report(client, moderator, conversation, seller):
    message = services.message_send(conversation=conversation, sender=seller, body="Rude words")
    report = moderation.report_create(reporter=seller, conversation=conversation, reason="harassment")
    own = Report.objects.create(
        reporter=moderator, reported_user=seller, conversation=conversation, message=message, reason="other"
    )
    client.force_login(moderator)

    for action in ("dismiss", "suspend"):
        page = client.get(act(client, own, action=action)["Location"]).content.decode()
        assert "You filed this report, so another moderator decides it." in page
    assert Report.objects.get(pk=own.pk).status == Report.Status.OPEN
    assert not ModerationAction.objects.exclude(action=ModerationAction.Action.VIEW_CONVERSATION).exists()
    assert act(client, report, action="dismiss").status_code == 302  # someone else's report: decided
    assert Report.objects.get(pk=report.pk).status == Report.Status.DISMISSED


def test_removing_a_message_twice_and_lifting_a_suspension_that_is_not_there_log_nothing(
    moderator, conversation, seller
):
    message = services.message_send(conversation=conversation, sender=seller, body="Spam")
    moderation.message_remove(message=message, moderator=moderator)
    moderation.user_suspend(user=seller, moderator=moderator)
    for call, code in (
        (lambda: moderation.message_remove(message=message, moderator=moderator), "message_already_removed"),
        (lambda: moderation.user_suspend(user=seller, moderator=moderator), "already_suspended"),
    ):
        with pytest.raises(Exception) as refused:
            call()
        assert refused.value.code == code
    moderation.user_unsuspend(user=seller, moderator=moderator)
    with pytest.raises(Exception) as refused:
        moderation.user_unsuspend(user=seller, moderator=moderator)
    assert refused.value.code == "not_suspended"
    assert list(ModerationAction.objects.order_by("id").values_list("action", flat=True)) == [
        "remove_message",
        "suspend_user",
        "unsuspend_user",
    ]
