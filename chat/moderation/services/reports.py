"""Filing reports: of a conversation or a message (participants), of an ad, of a review."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts import services as account_services
from accounts.models import User
from ads.models import Ad
from chat.models import Conversation, Message, Review
from chat.moderation.models import Report
from chat.moderation.services.common import ERROR_MESSAGES, REPORT_DETAILS_MAX_LENGTH
from marketplace import idempotency


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


def _report_subject_once(
    *, reporter: User, reason: str, details: str, idempotency_key: str | None, own: str, **subject
) -> Report:
    """File a report about *subject* (model fields: ``reported_user_id`` and what it is about) once per
    key; *own* is the refusal when *reporter* is the reported user."""

    def create() -> Report:
        if subject["reported_user_id"] == reporter.pk:
            raise PermissionDenied(own)
        _report_fields_check(reason=reason, details=details)
        return Report.objects.create(
            reporter=reporter, reason=reason, details=details, idempotency_key=idempotency_key, **subject
        )

    return idempotency.create_once(
        create, lambda: _report_with_key(reporter=reporter, idempotency_key=idempotency_key)
    )


def report_ad_create(
    *, reporter: User, ad: Ad, reason: str, details: str = "", idempotency_key: str | None = None
) -> Report:
    """File *reporter*'s report about *ad* ("Report this ad"; anyone logged in but its owner); *reason*,
    *details* and *idempotency_key* as for ``report_create``. Raises PermissionDenied for the owner and
    ValidationError ``report_reason`` / ``report_details``."""
    return _report_subject_once(
        reporter=reporter,
        reason=reason,
        details=details,
        idempotency_key=idempotency_key,
        own=_("Owners cannot report their own ad."),
        reported_user_id=ad.owner_id,
        ad=ad,
    )


def report_review_create(
    *, reporter: User, review: Review, reason: str, details: str = "", idempotency_key: str | None = None
) -> Report:
    """File *reporter*'s report about a published *review* (anyone logged in but its author; the review's
    conversation comes with it as the evidence); arguments and errors as for ``report_ad_create``."""
    return _report_subject_once(
        reporter=reporter,
        reason=reason,
        details=details,
        idempotency_key=idempotency_key,
        own=_("Authors cannot report their own review."),
        reported_user_id=review.author_id,
        conversation_id=review.conversation_id,
        review=review,
    )
