"""Reports, held messages and moderator actions. Every moderator action writes the audit log
(``ModerationAction``) in the same transaction as its effect, so the log cannot miss an action.

Moderators are staff users with ``moderation.change_report`` (the "Moderators" group,
``accounts.selectors.is_moderator``); other callers get PermissionDenied.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import services as account_services
from accounts.models import User
from accounts.selectors import is_moderator
from ads import services as ad_services
from ads.models import Ad
from chat import selectors
from chat import services as chat_services
from chat.models import Conversation, Message, MessagePhoto, Review
from chat.moderation.models import HeldMessage, ModerationAction, Report
from chat.polling import tokens
from marketplace import idempotency, push

REPORT_DETAILS_MAX_LENGTH = 2000
ERROR_MESSAGES = {
    "report_reason": _("Choose why you are reporting this."),
    "report_details": _("Please keep the details under %(limit)s characters."),
    "report_message": _("You can report the other person's messages in this conversation."),
    "ad_not_reported_users": _(
        "The reported user does not own this ad, so it is not removed over this report."
    ),
}


def _require_moderator(moderator: User) -> None:
    if not is_moderator(moderator):
        raise PermissionDenied("Only moderators can do this.")


def _log(moderator: User, action: str, **targets) -> ModerationAction:
    return ModerationAction.objects.create(moderator=moderator, action=action, **targets)


def report_exists(*, reporter: User, idempotency_key: str | None) -> bool:
    """True when *reporter* already filed a report with *idempotency_key* (False for no key)."""
    return (
        bool(idempotency_key)
        and Report.objects.filter(reporter=reporter, idempotency_key=idempotency_key).exists()
    )


def report_create(
    *,
    reporter: User,
    conversation: Conversation,
    reason: str,
    details: str = "",
    message: Message | None = None,
    block: bool = False,
    idempotency_key: str | None = None,
) -> Report:
    """File *reporter*'s report about *conversation* (or one of the other participant's messages in it).

    *reason* is a ``Report.Reason`` value; *details* optional text up to 2000 characters, stored as typed.
    *block* also blocks the other participant (``accounts.services.user_block``). Raises PermissionDenied
    for a non-participant and ValidationError (codes ``report_reason``, ``report_details``,
    ``report_message``) for bad input. With *idempotency_key* a repeat returns the report the first
    call filed and changes nothing (the (reporter, key) unique constraint decides a race).
    """
    return idempotency.create_once(
        lambda: _report_create(
            reporter=reporter,
            conversation=conversation,
            reason=reason,
            details=details,
            message=message,
            block=block,
            idempotency_key=idempotency_key,
        ),
        lambda: _report_with_key(reporter=reporter, idempotency_key=idempotency_key),
    )


def _report_with_key(*, reporter: User, idempotency_key: str | None) -> Report | None:
    if not idempotency_key:
        return None
    return Report.objects.filter(reporter=reporter, idempotency_key=idempotency_key).first()


def _report_fields_check(*, reason: str, details: str) -> None:
    if reason not in Report.Reason.values:
        raise ValidationError(ERROR_MESSAGES["report_reason"], code="report_reason")
    if len(details) > REPORT_DETAILS_MAX_LENGTH:
        raise ValidationError(
            ERROR_MESSAGES["report_details"],
            code="report_details",
            params={"limit": REPORT_DETAILS_MAX_LENGTH},
        )


@transaction.atomic
def _report_create(
    *,
    reporter: User,
    conversation: Conversation,
    reason: str,
    details: str,
    message: Message | None,
    block: bool,
    idempotency_key: str | None = None,
) -> Report:
    if reporter.pk not in (conversation.buyer_id, conversation.seller_id):
        raise PermissionDenied("Only participants can report a conversation.")
    _report_fields_check(reason=reason, details=details)
    other_id = conversation.other_user_id(reporter.pk)
    if message is not None and (message.conversation_id != conversation.pk or message.sender_id != other_id):
        raise ValidationError(ERROR_MESSAGES["report_message"], code="report_message")
    report = Report.objects.create(
        reporter=reporter,
        reported_user_id=other_id,
        conversation=conversation,
        message=message,
        reason=reason,
        details=details,
        idempotency_key=idempotency_key,
    )
    if block:
        account_services.user_block(blocker=reporter, blocked=User.objects.get(pk=other_id))
    return report


def report_ad_create(
    *, reporter: User, ad: Ad, reason: str, details: str = "", idempotency_key: str | None = None
) -> Report:
    """File *reporter*'s report about *ad* ("Report this ad"; anyone logged in but its owner); *reason*,
    *details* and *idempotency_key* as for ``report_create``. Raises PermissionDenied for the owner and
    ValidationError ``report_reason`` / ``report_details``."""

    def create() -> Report:
        if ad.owner_id == reporter.pk:
            raise PermissionDenied("Owners cannot report their own ad.")
        _report_fields_check(reason=reason, details=details)
        return Report.objects.create(
            reporter=reporter,
            reported_user_id=ad.owner_id,
            ad=ad,
            reason=reason,
            details=details,
            idempotency_key=idempotency_key,
        )

    return idempotency.create_once(
        create, lambda: _report_with_key(reporter=reporter, idempotency_key=idempotency_key)
    )


def report_review_create(
    *, reporter: User, review: Review, reason: str, details: str = "", idempotency_key: str | None = None
) -> Report:
    """File *reporter*'s report about a published *review* (anyone logged in but its author; the review's
    conversation comes with it as the evidence); arguments and errors as for ``report_ad_create``."""

    def create() -> Report:
        if review.author_id == reporter.pk:
            raise PermissionDenied("Authors cannot report their own review.")
        _report_fields_check(reason=reason, details=details)
        return Report.objects.create(
            reporter=reporter,
            reported_user_id=review.author_id,
            conversation_id=review.conversation_id,
            review=review,
            reason=reason,
            details=details,
            idempotency_key=idempotency_key,
        )

    return idempotency.create_once(
        create, lambda: _report_with_key(reporter=reporter, idempotency_key=idempotency_key)
    )


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


def _close_report(report: Report | None, *, moderator: User, status: str) -> Report | None:
    """Close *report* (under its row lock) with *status* unless someone closed it first; return the
    fresh row (None without a report)."""
    if report is None:
        return None
    locked = Report.objects.select_for_update().get(pk=report.pk)
    if locked.status == Report.Status.OPEN:
        locked.status = status
        locked.resolved_by = moderator
        locked.resolved_at = timezone.now()
        locked.save(update_fields=["status", "resolved_by", "resolved_at"])
    return locked


@transaction.atomic
def report_dismiss(*, report: Report, moderator: User, note: str = "") -> Report:
    """Close *report* with no action (logged) and return it as stored. Raises PermissionDenied for
    non-moderators."""
    _require_moderator(moderator)
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
    instance is not changed). Raises PermissionDenied for non-moderators.
    """
    _require_moderator(moderator)
    # The conversation lock orders this with the participants' own edits and sends.
    conversation = Conversation.objects.select_for_update().get(pk=message.conversation_id)
    removed = Message.objects.filter(pk=message.pk, removed_by_moderator_at__isnull=True).update(
        removed_by_moderator_at=timezone.now()
    )
    if removed:
        # Open pages replace it by "Removed by a moderator" with their next poll, quotes of it too.
        chat_services.messages_stamp_changed_locked(
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
    reason to take down the reporter's ad): ValidationError ``ad_not_reported_users`` otherwise."""
    _require_moderator(moderator)
    if report is not None and ad.owner_id != report.reported_user_id:
        raise ValidationError(ERROR_MESSAGES["ad_not_reported_users"], code="ad_not_reported_users")
    ad_services.ad_remove(ad=ad, user=moderator)
    _close_report(report, moderator=moderator, status=Report.Status.ACTIONED)
    _log(moderator, ModerationAction.Action.REMOVE_AD, report=report, ad=ad, note=note)
    return ad


@transaction.atomic
def user_suspend(*, user: User, moderator: User, report: Report | None = None, note: str = "") -> User:
    """Suspend *user*: they cannot log in, their sessions end and their ads leave the site; logged.

    Sessions end because Django's ModelBackend refuses inactive users on every request (the session
    row may remain until it expires, but it authenticates no one). Their messages stay as evidence.
    Returns the user as stored. Raises PermissionDenied for non-moderators and when *user* is staff
    (moderators do not suspend each other; a superuser edits staff accounts).
    """
    _require_moderator(moderator)
    if user.is_staff:
        raise PermissionDenied("Staff accounts are not suspended from the moderation queue.")
    User.objects.filter(pk=user.pk).update(is_active=False, suspended_at=timezone.now())
    user = User.objects.get(pk=user.pk)  # the stored row; the caller's instance is not changed
    _close_report(report, moderator=moderator, status=Report.Status.ACTIONED)
    _log(moderator, ModerationAction.Action.SUSPEND_USER, report=report, target_user=user, note=note)
    # Their next poll goes the full, authenticated path, which a suspended user no longer passes; their
    # live streams end, and the stream view refuses them when the browser reconnects.
    tokens.bump_conversations(selectors.conversation_rows_for_user(user_id=user.pk), only_user_id=user.pk)
    transaction.on_commit(lambda: push.close(push.user_channel(user.pk)))
    return user


@transaction.atomic
def user_unsuspend(*, user: User, moderator: User, note: str = "") -> User:
    """Lift *user*'s suspension (they can log in again; their ads are listed again); logged. Returns the
    user as stored."""
    _require_moderator(moderator)
    User.objects.filter(pk=user.pk).update(is_active=True, suspended_at=None)
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


def duplicate_first_message_recipients(*, sender: User, body: str, now=None) -> int:
    """Return how many different sellers *sender* sent exactly *body* to as a first message within the
    last MARKETPLACE_DUPLICATE_TEXT_WINDOW_S seconds (one query on the sender's recent messages)."""
    now = now or timezone.now()
    since = now - timedelta(seconds=settings.MARKETPLACE_DUPLICATE_TEXT_WINDOW_S)
    return (
        Message.objects.filter(sender=sender, created_at__gte=since, body=body, conversation__buyer=sender)
        .values("conversation__seller_id")
        .distinct()
        .count()
    )


def should_hold_first_message(*, sender: User, body: str) -> bool:
    """True when *body* has already gone to MARKETPLACE_DUPLICATE_TEXT_MAX_RECIPIENTS sellers recently:
    the next copy waits for a moderator (``HeldMessage``) instead of being delivered.

    Exact text match after trimming: trivially varied copies get through (see the closing note).
    """
    recipients = duplicate_first_message_recipients(sender=sender, body=body)
    return recipients >= settings.MARKETPLACE_DUPLICATE_TEXT_MAX_RECIPIENTS


def held_message_exists(*, sender: User, idempotency_key: str | None) -> bool:
    """True when *sender*'s submission with *idempotency_key* is already held (False for no key)."""
    return _held_with_key(sender=sender, idempotency_key=idempotency_key) is not None


def _held_with_key(*, sender: User, idempotency_key: str | None) -> HeldMessage | None:
    if not idempotency_key:
        return None
    return HeldMessage.objects.filter(sender=sender, idempotency_key=idempotency_key).first()


def held_message_create(
    *, sender: User, ad: Ad, body: str, idempotency_key: str | None = None
) -> HeldMessage:
    """Keep *body* for *ad*'s seller until a moderator reviews it (nothing is delivered meanwhile).

    One row per (sender, *idempotency_key*): a concurrent identical submission gets the row the first
    one created (unique constraint)."""

    @transaction.atomic
    def create() -> HeldMessage:
        return HeldMessage.objects.create(sender=sender, ad=ad, body=body, idempotency_key=idempotency_key)

    return idempotency.create_once(
        create, lambda: _held_with_key(sender=sender, idempotency_key=idempotency_key)
    )


def _held_for_review(held: HeldMessage, *, moderator: User) -> HeldMessage:
    """Lock *held* for a moderator's decision; ValidationError if someone already decided."""
    _require_moderator(moderator)
    locked = HeldMessage.objects.select_for_update().get(pk=held.pk)
    if locked.status != HeldMessage.Status.HELD:
        raise ValidationError(_("This message was already reviewed."), code="held_reviewed")
    return locked


def _mark_reviewed(locked: HeldMessage, *, moderator: User, status: str) -> None:
    locked.status = status
    locked.reviewed_by = moderator
    locked.reviewed_at = timezone.now()
    locked.save(update_fields=["status", "reviewed_by", "reviewed_at"])


@transaction.atomic
def held_message_release(*, held: HeldMessage, moderator: User, note: str = "") -> HeldMessage:
    """Deliver a held message (``chat.services.conversation_start``) and mark it released; logged.

    Raises PermissionDenied for non-moderators; ValidationError when it was already reviewed or the ad
    can no longer be contacted (then it stays held).
    """
    locked = _held_for_review(held, moderator=moderator)
    chat_services.conversation_start(buyer=locked.sender, ad=locked.ad, body=locked.body)
    _mark_reviewed(locked, moderator=moderator, status=HeldMessage.Status.RELEASED)
    _log(moderator, ModerationAction.Action.RELEASE_HELD, held_message=locked, ad=locked.ad, note=note)
    return locked


@transaction.atomic
def held_message_reject(*, held: HeldMessage, moderator: User, note: str = "") -> HeldMessage:
    """Never deliver a held message (it stays as evidence); logged. Raises PermissionDenied/ValidationError
    as ``held_message_release``."""
    locked = _held_for_review(held, moderator=moderator)
    _mark_reviewed(locked, moderator=moderator, status=HeldMessage.Status.REJECTED)
    _log(
        moderator,
        ModerationAction.Action.REJECT_HELD,
        held_message=locked,
        ad=locked.ad,
        target_user=locked.sender,
        note=note,
    )
    return locked
