"""Moderator actions on a case: dismiss, remove a message or an ad, suspend, hide a review, logged reads.
Each writes the audit log (``ModerationAction``) in the same transaction as its effect."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from ads import services as ad_services
from ads.models import Ad
from chat import delivery, selectors
from chat import services as chat_services
from chat.models import Conversation, Message, MessagePhoto, Review
from chat.moderation.models import ModerationAction, Report
from chat.moderation.services.common import ERROR_MESSAGES, _close_report, _log, _require_moderator
from notifications import services as notification_services


@transaction.atomic
def review_set_hidden(
    *, review: Review, moderator: User, hidden: bool, report: Report | None = None, note: str = ""
) -> Review:
    """Hide *review* from the profile and the averages (*hidden*), or show it again; logged, and closes
    *report* as actioned. Raises PermissionDenied for non-moderators. Locks the review row."""
    _require_moderator(moderator)
    locked = Review.objects.select_for_update().get(pk=review.pk)
    locked.hidden_at = timezone.now() if hidden else None
    locked.save(update_fields=["hidden_at"])
    if hidden:
        _close_report(report, moderator=moderator, status=Report.Status.ACTIONED)
    action = ModerationAction.Action.HIDE_REVIEW if hidden else ModerationAction.Action.SHOW_REVIEW
    _log(moderator, action, report=report, review=locked, target_user_id=locked.author_id, note=note)
    return locked


@transaction.atomic
def report_dismiss(*, report: Report, moderator: User, note: str = "") -> Report:
    """Close the open *report* with no action (logged) and return it as stored.

    Raises PermissionDenied for non-moderators and ValidationError ``report_closed`` when the report is no
    longer open (actioned or dismissed, perhaps by another moderator a moment ago): dismissing it would
    log a decision that was not taken; ``own_report`` for the moderator's own report. Locks the
    conversation row, then the report row.
    """
    _require_moderator(moderator)
    if report.conversation_id is not None:
        # The conversation before the report, as message_remove takes them: the log row's key on the
        # conversation waits for a removal's conversation lock, which would wait for this report's lock.
        Conversation.objects.select_for_update().get(pk=report.conversation_id)
    if Report.objects.select_for_update().get(pk=report.pk).status != Report.Status.OPEN:
        raise ValidationError(ERROR_MESSAGES["report_closed"], code="report_closed")
    closed = _close_report(report, moderator=moderator, status=Report.Status.DISMISSED)
    _log(
        moderator,
        ModerationAction.Action.DISMISS_REPORT,
        report=closed,
        conversation_id=closed.conversation_id,
        note=note,
    )
    return closed


@transaction.atomic
def message_remove(
    *, message: Message, moderator: User, report: Report | None = None, note: str = ""
) -> Message:
    """Replace *message* by "Removed by a moderator" for both participants (the body stays for evidence).

    Closes *report* as actioned when given; logged. Returns the message as stored (the caller's
    instance is not changed). Raises PermissionDenied for non-moderators, ValidationError
    ``message_already_removed`` (nothing to log twice) and ``_close_report``'s. Locks the conversation.
    """
    _require_moderator(moderator)
    # The conversation lock orders this with the participants' own edits and sends.
    conversation = Conversation.objects.select_for_update().get(pk=message.conversation_id)
    removed = Message.objects.filter(pk=message.pk, removed_by_moderator_at__isnull=True).update(
        removed_by_moderator_at=timezone.now()
    )
    if not removed:
        raise ValidationError(ERROR_MESSAGES["message_already_removed"], code="message_already_removed")
    if removed:
        # Open pages replace it by "Removed by a moderator" with their next poll, quotes of it too.
        chat_services.messages_mark_changed_locked(
            conversation=conversation,
            message_ids=[message.pk],
            list_changed=conversation.last_message_id == message.pk,
        )
    message = Message.objects.select_related("conversation").get(pk=message.pk)
    _close_report(report, moderator=moderator, status=Report.Status.ACTIONED)
    _log(
        moderator,
        ModerationAction.Action.REMOVE_MESSAGE,
        report=report,
        conversation_id=message.conversation_id,
        message=message,
        note=note,
    )
    return message


@transaction.atomic
def ad_remove(*, ad: Ad, moderator: User, report: Report | None = None, note: str = "") -> Ad:
    """Remove *ad* (``ads.services.ad_remove``: every conversation shows it as unavailable); logged.

    Over a *report*, only the reported user's own ad can be removed (a report about a buyer is not a
    reason to take down the reporter's ad): ValidationError ``ad_not_reported_users`` otherwise. The owner
    is told in their notification centre (``moderation_ad_removed``)."""
    _require_moderator(moderator)
    if report is not None and ad.owner_id != report.reported_user_id:
        raise ValidationError(ERROR_MESSAGES["ad_not_reported_users"], code="ad_not_reported_users")
    ad_services.ad_remove(ad=ad, user=moderator)
    if ad.owner_id != moderator.pk:
        notification_services.notify(
            ad.owner_id,
            "moderation_ad_removed",
            params={"title": ad.title},
            url=reverse("ads:mine"),
            dedupe_key=f"moderation-removed:{ad.public_id}",
        )
    _close_report(report, moderator=moderator, status=Report.Status.ACTIONED)
    _log(moderator, ModerationAction.Action.REMOVE_AD, report=report, ad=ad, note=note)
    return ad


@transaction.atomic
def user_suspend(*, user: User, moderator: User, report: Report | None = None, note: str = "") -> User:
    """Suspend *user*: they cannot log in, their sessions end and their ads leave the site; logged.

    Sessions end because Django's ModelBackend refuses inactive users on every request (the session
    row may remain until it expires, but it authenticates no one). Their messages stay as evidence.
    Returns the user as stored. Raises PermissionDenied for non-moderators and when *user* is staff
    (moderators do not suspend each other; a superuser edits staff accounts), ValidationError
    ``already_suspended`` and ``_close_report``'s.
    """
    _require_moderator(moderator)
    if user.is_staff:
        raise PermissionDenied(_("Staff accounts are not suspended from the moderation queue."))
    if not User.objects.filter(pk=user.pk, is_active=True).update(
        is_active=False, suspended_at=timezone.now()
    ):
        raise ValidationError(ERROR_MESSAGES["already_suspended"], code="already_suspended")
    user = User.objects.get(pk=user.pk)  # the stored row; the caller's instance is not changed
    _close_report(report, moderator=moderator, status=Report.Status.ACTIONED)
    _log(moderator, ModerationAction.Action.SUSPEND_USER, report=report, target_user=user, note=note)
    # Their next poll goes the full, authenticated path, which a suspended user no longer passes; their
    # live streams end, and the stream view refuses them when the browser reconnects.
    delivery.announce(
        conversations=selectors.conversation_rows_for_user(user_id=user.pk),
        only_user_id=user.pk,
        close_streams_of=user.pk,
    )
    return user


@transaction.atomic
def user_unsuspend(*, user: User, moderator: User, note: str = "") -> User:
    """Lift *user*'s suspension (they can log in again; their ads are listed again); logged. Returns the
    user as stored. Raises ValidationError ``not_suspended`` (nothing to lift, nothing logged)."""
    _require_moderator(moderator)
    if not User.objects.filter(pk=user.pk, is_active=False).update(is_active=True, suspended_at=None):
        raise ValidationError(ERROR_MESSAGES["not_suspended"], code="not_suspended")
    user = User.objects.get(pk=user.pk)
    _log(moderator, ModerationAction.Action.UNSUSPEND_USER, target_user=user, note=note)
    return user


@transaction.atomic
def conversation_view_logged(*, conversation: Conversation, moderator: User, reason: str) -> ModerationAction:
    """Record that *moderator* opened *conversation*'s messages outside a report, with their *reason*.

    Raises PermissionDenied for non-moderators and ValidationError (code ``view_reason``) without a reason.
    """
    _require_moderator(moderator)
    if not reason.strip():
        raise ValidationError(_("Say why you need to read this conversation."), code="view_reason")
    return _log(
        moderator,
        ModerationAction.Action.VIEW_CONVERSATION,
        conversation=conversation,
        note=reason.strip()[:2000],
    )


def case_view_logged(*, report: Report, moderator: User) -> ModerationAction:
    """Record that *moderator* opened *report*'s case page with its conversation's messages (one row per
    view, a "Read a conversation" tied to the report).

    The caller has checked the grounds (``selectors.moderator_may_read``). Raises PermissionDenied for a
    non-moderator."""
    _require_moderator(moderator)
    return _log(
        moderator,
        ModerationAction.Action.VIEW_CONVERSATION,
        report=report,
        conversation_id=report.conversation_id,
    )


def photo_view_logged(*, photo: MessagePhoto, moderator: User) -> ModerationAction:
    """Record that *moderator* opened *photo* full size (the moderation log shows who saw which photo).

    The caller has checked the grounds (``selectors.moderator_may_read``). Raises PermissionDenied for a
    non-moderator."""
    _require_moderator(moderator)
    return _log(
        moderator,
        ModerationAction.Action.VIEW_PHOTO,
        conversation=photo.message.conversation,
        message=photo.message,
        note=f"photo {photo.pk}",
    )


@transaction.atomic
def report_label_scam(*, report: Report, moderator: User, label: str, note: str = "") -> Report:
    """Record *moderator*'s verdict on the message *report* is about: *label* is a ``Report.ScamLabel``
    value ("scam" or "not_scam"); logged (``label_scam``, the label in the note). The report stays as it
    is (open or closed): labelling is not an action on the case. Raises PermissionDenied for
    non-moderators and ValidationError (code ``scam_label``) for another label or a report without a
    message, ``own_report`` for the moderator's own report. Locks the report row."""
    _require_moderator(moderator)
    if label not in Report.ScamLabel.values or report.message_id is None:
        raise ValidationError(ERROR_MESSAGES["scam_label"], code="scam_label")
    if report.reporter_id == moderator.pk:  # the reporter's own verdict is the report itself
        raise ValidationError(ERROR_MESSAGES["own_report"], code="own_report")
    locked = Report.objects.select_for_update().get(pk=report.pk)
    locked.scam_label = label
    locked.save(update_fields=["scam_label"])
    _log(
        moderator,
        ModerationAction.Action.LABEL_SCAM,
        report=locked,
        conversation_id=locked.conversation_id,
        message=locked.message,
        note=f"{label}: {note}" if note else label,
    )
    return locked
