"""First messages held for review (the same text to many sellers): hold, release, reject."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from ads.models import Ad
from chat import services as chat_services
from chat.models import Message
from chat.moderation.models import HeldMessage, ModerationAction
from chat.moderation.services.common import _log, _require_moderator
from marketplace import idempotency


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
