"""Offers: the buyer makes one, the seller accepts or declines, the buyer withdraws; expiry.

Lock order: the conversation row, then the offer row (``_locked_offer``), in every action, so two
simultaneous decisions leave exactly one outcome and never deadlock.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from ads.models import Ad
from chat.errors import ERROR_MESSAGES
from chat.models import Conversation, Message, Offer
from chat.services.messages import (
    message_create_locked,
    message_repeat_of,
    refuse_if_blocked,
)
from marketplace import idempotency
from marketplace.money import format_money


def _locked_offer(offer: Offer) -> tuple[Conversation, Offer]:
    """Lock the conversation, then the offer (always in this order), and return fresh copies."""
    conversation = Conversation.objects.select_for_update().get(pk=offer.conversation_id)
    return conversation, Offer.objects.select_for_update().get(pk=offer.pk)


def _expire_if_due(*, conversation: Conversation, offer: Offer, now: datetime) -> None:
    """Record a pending offer past its expiry as expired, with a notice in the conversation."""
    if offer.status == Offer.Status.PENDING and offer.expires_at <= now:
        offer.status = Offer.Status.EXPIRED
        offer.decided_at = now
        offer.save(update_fields=["status", "decided_at"])
        message_create_locked(
            conversation=conversation,
            sender=offer.buyer,
            body=f"The offer of {format_money(offer.amount)} expired.",
            created_at=None,
            kind=Message.Kind.SYSTEM,
            offer=offer,
        )


def offer_amount_clean(amount) -> Decimal:
    """Return *amount* (str, int or Decimal) as a Decimal in the site currency.

    Raises ValidationError (code ``offer_amount``) unless 0 < amount <= MARKETPLACE_OFFER_MAX_AMOUNT with
    at most two decimals.
    """
    limit = settings.MARKETPLACE_OFFER_MAX_AMOUNT
    try:
        value = Decimal(str(amount).strip().replace(",", "").lstrip("$"))
    except (InvalidOperation, ValueError):
        value = None
    if (
        value is None
        or not value.is_finite()
        or value <= 0
        or value > limit
        or value != value.quantize(Decimal("0.01"))
    ):
        raise ValidationError(
            ERROR_MESSAGES["offer_amount"], code="offer_amount", params={"max": f"{limit:,}"}
        )
    return value.quantize(Decimal("0.01"))


def offer_make(
    *,
    conversation: Conversation,
    buyer: User,
    amount,
    created_at: datetime | None = None,
    idempotency_key: str | None = None,
) -> Offer:
    """Make an offer of *amount* (see ``offer_amount_clean``) as the buyer; return it.

    A pending offer is replaced (its card says so). The offer appears in the conversation as an offer card
    (a message of kind ``offer``) and expires after MARKETPLACE_OFFER_TTL_S seconds. *created_at* is
    for importers. Raises PermissionDenied for a non-participant, ValidationError with code
    ``offer_not_buyer``, ``offer_ad_unavailable``, ``offer_amount`` or ``idempotency_key_reused``.
    With *idempotency_key* a repeat returns the offer the first call made (see ``message_send``). Locks the
    conversation row.
    """
    value = offer_amount_clean(amount)

    @transaction.atomic
    def make() -> Message:
        return _offer_make_locked(
            conversation=conversation,
            buyer=buyer,
            value=value,
            created_at=created_at,
            idempotency_key=idempotency_key,
        )

    card = idempotency.create_once(
        make,
        lambda: _offer_card_with_key(buyer=buyer, idempotency_key=idempotency_key, conversation=conversation),
    )
    return card.offer


def _offer_card_with_key(
    *, buyer: User, idempotency_key: str | None, conversation: Conversation
) -> Message | None:
    """The offer card *buyer* already sent with *idempotency_key* here, or None; a key that sent a text
    message (or one elsewhere) is refused (``idempotency_key_reused``)."""
    repeat = message_repeat_of(sender=buyer, idempotency_key=idempotency_key, conversation_id=conversation.pk)
    if repeat is not None and repeat.offer is None:
        raise ValidationError(ERROR_MESSAGES["idempotency_key_reused"], code="idempotency_key_reused")
    return repeat


def _offer_make_locked(
    *,
    conversation: Conversation,
    buyer: User,
    value,
    created_at: datetime | None,
    idempotency_key: str | None,
) -> Message:
    locked = Conversation.objects.select_for_update().get(pk=conversation.pk)
    if buyer.pk not in (locked.buyer_id, locked.seller_id):
        raise PermissionDenied("Only participants can make offers.")
    # Under the lock: an identical request that got here first has committed its card.
    repeat = _offer_card_with_key(buyer=buyer, idempotency_key=idempotency_key, conversation=locked)
    if repeat is not None:
        return repeat
    if buyer.pk != locked.buyer_id:
        raise ValidationError(ERROR_MESSAGES["offer_not_buyer"], code="offer_not_buyer")
    if locked.ad_status != Ad.Status.ACTIVE:
        raise ValidationError(ERROR_MESSAGES["offer_ad_unavailable"], code="offer_ad_unavailable")
    refuse_if_blocked(sender=buyer, recipient_id=locked.seller_id)
    now = created_at or timezone.now()
    for pending in Offer.objects.select_for_update().filter(conversation=locked, status=Offer.Status.PENDING):
        _expire_if_due(conversation=locked, offer=pending, now=now)
        if pending.status == Offer.Status.PENDING:
            pending.status = Offer.Status.REPLACED
            pending.decided_at = now
            pending.save(update_fields=["status", "decided_at"])
    offer = Offer.objects.create(
        conversation=locked,
        buyer=buyer,
        amount=value,
        created_at=now,
        expires_at=now + timedelta(seconds=settings.MARKETPLACE_OFFER_TTL_S),
    )
    return message_create_locked(
        conversation=locked,
        sender=buyer,
        body=f"Offer: {format_money(value)}",
        created_at=created_at,
        kind=Message.Kind.OFFER,
        offer=offer,
        idempotency_key=idempotency_key,
    )


def _offer_decide(*, offer: Offer, user: User, status: str, verb: str, created_at: datetime | None) -> Offer:
    conversation, locked = _locked_offer(offer)
    if user.pk not in (conversation.buyer_id, conversation.seller_id):
        raise PermissionDenied("Only participants can act on offers.")
    if status == Offer.Status.WITHDRAWN and user.pk != locked.buyer_id:
        raise ValidationError(ERROR_MESSAGES["offer_not_own"], code="offer_not_own")
    if status != Offer.Status.WITHDRAWN and user.pk != conversation.seller_id:
        raise ValidationError(ERROR_MESSAGES["offer_not_seller"], code="offer_not_seller")
    now = created_at or timezone.now()
    # An offer past its expiry is refused as expired; ``offers_expire_due`` records it with a notice.
    current = locked.current_status(now=now)
    if current != Offer.Status.PENDING:
        raise ValidationError(
            ERROR_MESSAGES["offer_not_pending"],
            code="offer_not_pending",
            params={"status": Offer.Status(current).label.lower()},
        )
    locked.status = status
    locked.decided_at = now
    locked.save(update_fields=["status", "decided_at"])
    message_create_locked(
        conversation=conversation,
        sender=user,
        body=f"{user.display_name} {verb} the offer of {format_money(locked.amount)}.",
        created_at=created_at,
        kind=Message.Kind.SYSTEM,
        offer=locked,
    )
    return locked


@transaction.atomic
def offer_accept(*, offer: Offer, seller: User, created_at: datetime | None = None) -> Offer:
    """Accept a pending offer as the conversation's seller. The ad is not sold by this: the seller gets
    a "Mark as sold" button next to the accepted offer.

    Raises PermissionDenied (non-participant) or ValidationError: ``offer_not_seller``,
    ``offer_not_pending`` (already decided, withdrawn, replaced or expired). Locks the conversation, then
    the offer, so two simultaneous decisions leave exactly one outcome.
    """
    return _offer_decide(
        offer=offer, user=seller, status=Offer.Status.ACCEPTED, verb="accepted", created_at=created_at
    )


@transaction.atomic
def offer_decline(*, offer: Offer, seller: User, created_at: datetime | None = None) -> Offer:
    """Decline a pending offer as the seller. Raises and locks like ``offer_accept``."""
    return _offer_decide(
        offer=offer, user=seller, status=Offer.Status.DECLINED, verb="declined", created_at=created_at
    )


@transaction.atomic
def offer_withdraw(*, offer: Offer, buyer: User) -> Offer:
    """Withdraw the buyer's own pending offer. Raises ``offer_not_own`` / ``offer_not_pending`` like
    ``offer_accept``.
    """
    return _offer_decide(
        offer=offer, user=buyer, status=Offer.Status.WITHDRAWN, verb="withdrew", created_at=None
    )


def offers_expire_due(*, now: datetime | None = None) -> int:
    """Record every pending offer past its expiry as expired, each with a notice in its conversation.

    Returns how many were expired. Each offer is handled in its own transaction under the same locks as
    the other offer actions, and rows another process is handling are skipped (``skip_locked``), so
    running it from several processes at once is safe. Run it periodically (``manage.py expire_offers``).
    """
    now = now or timezone.now()
    expired = 0
    due = Offer.objects.filter(status=Offer.Status.PENDING, expires_at__lte=now).values_list(
        "pk", "conversation_id"
    )
    for offer_id, conversation_id in list(due[:1000]):
        with transaction.atomic():
            # Same lock order as the other offer actions (conversation, then offer); a conversation another
            # process holds is skipped and picked up by the next run.
            conversation = (
                Conversation.objects.select_for_update(skip_locked=True).filter(pk=conversation_id).first()
            )
            if conversation is None:
                continue
            offer = Offer.objects.select_for_update().get(pk=offer_id)
            if offer.status == Offer.Status.PENDING and offer.expires_at <= now:
                _expire_if_due(conversation=conversation, offer=offer, now=now)
                expired += 1
    return expired
