"""What every moderation service shares: the moderator check, the audit log, closing a report."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.selectors import is_moderator
from chat.moderation.models import ModerationAction, Report

REPORT_DETAILS_MAX_LENGTH = 2000
ERROR_MESSAGES = {
    "report_reason": _("Choose why you are reporting this."),
    "report_details": _("Please keep the details under %(limit)s characters."),
    "report_message": _("You can report the other person's messages in this conversation."),
    "report_closed": _("This report is already closed, so nothing was dismissed."),
    "report_dismissed": _("This report was dismissed, so nothing was done over it."),
    "own_report": _("You filed this report, so another moderator decides it."),
    "message_already_removed": _("This message was already removed."),
    "already_suspended": _("This account is already suspended."),
    "not_suspended": _("This account is not suspended."),
    "scam_label": _("Only a reported message can be labelled, as a scam or not a scam."),
    "ad_not_reported_users": _(
        "The reported user does not own this ad, so it is not removed over this report."
    ),
}


def _require_moderator(moderator: User) -> None:
    if not is_moderator(moderator):
        raise PermissionDenied("Only moderators can do this.")


def _log(moderator: User, action: str, **targets) -> ModerationAction:
    return ModerationAction.objects.create(moderator=moderator, action=action, **targets)


def _close_report(report: Report | None, *, moderator: User, status: str) -> Report | None:
    """Close *report* (under its row lock) with *status* unless someone closed it first; return the
    fresh row (None without a report).

    Raises ValidationError ``own_report`` when *moderator* filed it (nobody decides their own report) and
    ``report_dismissed`` when it was dismissed (an action over it would contradict the case's record);
    raised inside the action's transaction, so its effect is rolled back. Lock order: the caller's
    conversation first, then the report."""
    if report is None:
        return None
    locked = Report.objects.select_for_update().get(pk=report.pk)
    if locked.reporter_id == moderator.pk:
        raise ValidationError(ERROR_MESSAGES["own_report"], code="own_report")
    if locked.status == Report.Status.DISMISSED:
        raise ValidationError(ERROR_MESSAGES["report_dismissed"], code="report_dismissed")
    if locked.status == Report.Status.OPEN:
        locked.status = status
        locked.resolved_by = moderator
        locked.resolved_at = timezone.now()
        locked.save(update_fields=["status", "resolved_by", "resolved_at"])
    return locked
