"""Moderators acting on one report at once (real threads and transactions on PostgreSQL).

Kept apart from, and sorting after, test_migrations.py: a transactional test flushes the rows data
migrations made, which that test needs."""

import pytest
from django.contrib.auth.models import Permission
from django.db import connection

from chat import services
from chat.moderation import services as moderation
from chat.moderation.models import ModerationAction
from tests.chat.test_services_concurrency import run_at_once
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks and races need PostgreSQL"),
]


def test_two_moderators_dismissing_at_once_log_one_dismissal(conversation, buyer):
    report = moderation.report_create(reporter=buyer, conversation=conversation, reason="other")
    # The permission itself: transactional tests flush the Moderators group the data migrations made.
    permission = Permission.objects.get(content_type__app_label="moderation", codename="change_report")
    moderators = [UserFactory(is_staff=True) for _ in range(2)]
    for moderator in moderators:
        moderator.user_permissions.add(permission)

    _results, errors = run_at_once(
        2, lambda index: moderation.report_dismiss(report=report, moderator=moderators[index])
    )

    assert [error.code for error in errors] == ["report_closed"]
    assert ModerationAction.objects.filter(action=ModerationAction.Action.DISMISS_REPORT).count() == 1


def test_dismissing_while_another_moderator_removes_the_message_never_deadlocks(conversation, buyer, seller):
    # Dismiss took the report, then its log row's key waited on the conversation; the removal held the
    # conversation and waited on the report: "deadlock detected", a 500 in 1 of 4 outside tries.
    permission = Permission.objects.get(content_type__app_label="moderation", codename="change_report")
    moderators = [UserFactory(is_staff=True) for _ in range(2)]
    for moderator in moderators:
        moderator.user_permissions.add(permission)
    for _round in range(6):
        message = services.message_send(conversation=conversation, sender=seller, body="Gift cards only")
        report = moderation.report_create(
            reporter=buyer, conversation=conversation, reason="scam", message=message
        )
        _results, errors = run_at_once(
            2,
            lambda index, report=report, message=message: (
                moderation.report_dismiss(report=report, moderator=moderators[0])
                if index == 0
                else moderation.message_remove(message=message, moderator=moderators[1], report=report)
            ),
        )
        # One decides the case; the other is refused with a reason, never a database error.
        assert all(getattr(error, "code", None) in ("report_closed", "report_dismissed") for error in errors)
