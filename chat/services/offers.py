"""Offers: either participant proposes a price (a counter-offer when it answers the other side's pending
one), the other accepts or declines, the proposer withdraws; expiry.

Lock order: the conversation row, then the offer row (``_locked_offer``), in every action, so two
simultaneous decisions leave exactly one outcome and never deadlock. Every status change marks the
offer's card changed (``messages_mark_changed_locked``), so the other side's open page loses the card's
buttons with its next poll.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import number_format

from accounts.models import User
from ads.models import Ad
from chat.errors import ERROR_MESSAGES
from chat.models import Conversation, Message, Offer
from chat.notices import notice_params
from chat.services.edits import messages_mark_changed_locked
from chat.services.messages import (
    message_create_locked,
    message_repeat_of,
    refuse_if_blocked,
    refuse_if_suspended,
    refuse_if_unverified,
)
from marketplace import idempotency
from marketplace.money import format_money
from notifications import services as notification_services


def _locked_offer(offer: Offer) -> tuple[Conversation, Offer]:
    """Lock the conversation, then the offer (always in this order), and return fresh copies."""
    conversation = Conversation.objects.select_for_update().get(pk=offer.conversation_id)
    return conversation, Offer.objects.select_for_update().get(pk=offer.pk)


def offer_set_status_locked(*, conversation: Conversation, offer: Offer, status: str, now: datetime) -> None:
    """Record *offer*'s new *status* (decided at *now*) and mark its card changed; the caller has
    locked *conversation* and *offer*."""
    offer.status = status
    offer.decided_at = now
    offer.save(update_fields=["status", "decided_at"])
    card_ids = list(
        Message.objects.filter(conversation=conversation, offer=offer, kind=Message.Kind.OFFER).values_list(
            "pk", flat=True
        )
    )
    messages_mark_changed_locked(conversation=conversation, message_ids=card_ids, quotes_changed=False)


def _expire_if_due(*, conversation: Conversation, offer: Offer, now: datetime) -> None:
    """Record a pending offer past its expiry as expired, with a notice in the conversation."""
    if offer.status == Offer.Status.PENDING and offer.expires_at <= now:
        offer_set_status_locked(conversation=conversation, offer=offer, status=Offer.Status.EXPIRED, now=now)
        message_create_locked(
            conversation=conversation,
            sender=offer.made_by,
            body="",
            notice="offer_expired",
            notice_params=notice_params(amount=offer.amount),
            created_at=None,
            kind=Message.Kind.SYSTEM,
            offer=offer,
        )


def offer_amount_clean(amount) -> Decimal:
    """Return *amount* (str, int or Decimal) as a Decimal in the site currency.

    Typed amounts are read as people write them in English and Russian, whatever the page's language:
    spaces (also no-break) and the currency symbol are dropped; with both "," and "." the last is the
    decimal mark ("1,200.50", "1.200,50"); a lone mark followed by exactly three digits groups
    thousands ("1,200", "1.200") after a leading group not starting with 0, otherwise it is the decimal
    mark ("350,50", "350.5", "0.001": three decimals, refused).
    Raises ValidationError (code ``offer_amount``) unless 0 < amount <= MARKETPLACE_OFFER_MAX_AMOUNT with
    at most two decimals.
    """
    limit = settings.MARKETPLACE_OFFER_MAX_AMOUNT
    try:
        value = Decimal(_amount_text(str(amount)))
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
            ERROR_MESSAGES["offer_amount"],
            code="offer_amount",
            params={"max": number_format(limit, use_l10n=True, force_grouping=True)},
        )
    return value.quantize(Decimal("0.01"))


GROUPED = re.compile(r"[1-9]\d{0,2}(?:([.,])\d{3})(?:\1\d{3})*")


def _amount_text(typed: str) -> str:
    """*typed* with the grouping marks removed and "." as the decimal mark (see offer_amount_clean)."""
    text = re.sub(r"\s", "", typed).replace(settings.MARKETPLACE_CURRENCY_SYMBOL, "")
    marks = [position for position, char in enumerate(text) if char in ",."]
    if not marks:
        return text
    last = marks[-1]
    lone = all(text[position] == text[last] for position in marks)
    # Groups of three after a leading group that does not start with 0: "0.001" is a decimal (refused
    # for its third decimal), not one dollar, and "1,2,3" groups nothing.
    if lone and GROUPED.fullmatch(text):
        return text.replace(text[last], "")
    if lone and len(marks) > 1:
        return "invalid"
    return text[:last].replace(",", "").replace(".", "") + "." + text[last + 1 :]


def offer_make(
    *,
    conversation: Conversation,
    user: User,
    amount,
    created_at: datetime | None = None,
    idempotency_key: str | None = None,
    above_asking_confirmed: bool = False,
) -> Offer:
    """Propose *amount* (see ``offer_amount_clean``) as either participant; return the new offer.

    The pending offer, if any, is answered: the other side's becomes ``countered`` and the new offer is a
    counter-offer to it (``counter_to``); the user's own is ``replaced``. The offer appears as an offer
    card (a message of kind ``offer``) and expires after MARKETPLACE_OFFER_TTL_S seconds. An amount above
    the ad's current asking price (``Conversation.ad_current_price``, not the snapshot's) needs
    *above_asking_confirmed* (people mistype a digit). *created_at* is for importers. With
    *idempotency_key* a repeat returns the offer the first call made, and the same key with another
    amount is refused (see ``message_send``).

    Raises PermissionDenied for a non-participant, ValidationError: ``email_unverified`` (the user has not
    confirmed their address), ``offer_ad_removed``, ``offer_ad_unavailable`` (reserved or sold),
    ``offer_amount``, ``offer_above_asking`` (not confirmed), ``blocked``, ``blocked_by_you``,
    ``recipient_suspended``, ``idempotency_key_reused``, ``idempotency_key_mismatch``. Locks the
    conversation row, then the pending offer.
    """
    refuse_if_unverified(sender=user)
    value = offer_amount_clean(amount)
    fingerprint = offer_fingerprint(amount=value)

    @transaction.atomic
    def make() -> Message:
        return _offer_make_locked(
            conversation=conversation,
            user=user,
            value=value,
            created_at=created_at,
            idempotency_key=idempotency_key,
            fingerprint=fingerprint,
            above_asking_confirmed=above_asking_confirmed,
        )

    card = idempotency.create_once(
        make,
        lambda: _offer_card_with_key(
            user=user, idempotency_key=idempotency_key, conversation=conversation, fingerprint=fingerprint
        ),
    )
    return card.offer


def offer_fingerprint(*, amount: Decimal) -> str:
    """Return the ``idempotency.fingerprint`` of an offer of *amount* (cleaned, ``offer_amount_clean``)."""
    return idempotency.fingerprint(kind="offer", amount=str(amount))


def _offer_card_with_key(
    *, user: User, idempotency_key: str | None, conversation: Conversation, fingerprint: str
) -> Message | None:
    """The offer card *user* already sent with *idempotency_key* here, or None; a key that sent a text
    message (or one elsewhere) is refused (``idempotency_key_reused``), one that offered another amount
    (its *fingerprint*) too (``idempotency_key_mismatch``)."""
    repeat = message_repeat_of(sender=user, idempotency_key=idempotency_key, conversation_id=conversation.pk)
    if repeat is not None and repeat.offer is None:
        raise ValidationError(ERROR_MESSAGES["idempotency_key_reused"], code="idempotency_key_reused")
    if repeat is not None:
        idempotency.check_same_request(repeat.idempotency_fingerprint, fingerprint)
    return repeat


def _offer_make_locked(
    *,
    conversation: Conversation,
    user: User,
    value: Decimal,
    created_at: datetime | None,
    idempotency_key: str | None,
    fingerprint: str,
    above_asking_confirmed: bool,
) -> Message:
    locked = Conversation.objects.select_for_update().get(pk=conversation.pk)
    if user.pk not in (locked.buyer_id, locked.seller_id):
        raise PermissionDenied("Only participants can make offers.")
    # Under the lock: an identical request that got here first has committed its card.
    repeat = _offer_card_with_key(
        user=user, idempotency_key=idempotency_key, conversation=locked, fingerprint=fingerprint
    )
    if repeat is not None:
        return repeat
    _refuse_offer_locked(
        conversation=locked, user=user, value=value, above_asking_confirmed=above_asking_confirmed
    )
    now = created_at or timezone.now()
    answered = _pending_offers_answer_locked(conversation=locked, user=user, now=now)
    offer = Offer.objects.create(
        conversation=locked,
        made_by=user,
        counter_to=answered,
        amount=value,
        created_at=now,
        expires_at=now + timedelta(seconds=settings.MARKETPLACE_OFFER_TTL_S),
    )
    notification_services.notify(
        locked.seller_id if user.pk == locked.buyer_id else locked.buyer_id,
        "counter_offer_received" if answered else "offer_received",
        params={"name": user.display_name, "amount": str(value), "title": locked.ad_title},
        url=locked.get_absolute_url(),
        dedupe_key=f"offer:{offer.pk}",
    )
    return message_create_locked(
        conversation=locked,
        sender=user,
        body="",
        notice="counter_offer" if answered else "offer",
        notice_params=notice_params(amount=value),
        created_at=created_at,
        kind=Message.Kind.OFFER,
        offer=offer,
        idempotency_key=idempotency_key,
        idempotency_fingerprint=fingerprint,
    )


def _refuse_offer_locked(
    *, conversation: Conversation, user: User, value: Decimal, above_asking_confirmed: bool
) -> None:
    """Raise ``offer_make``'s ValidationError when the locked *conversation* takes no offer of *value*
    from *user* now: the ad is removed or not on sale, *value* is above the asking price unconfirmed, a
    block between the two, a suspended recipient."""
    if conversation.ad_status == Ad.Status.REMOVED:
        raise ValidationError(ERROR_MESSAGES["offer_ad_removed"], code="offer_ad_removed")
    if conversation.ad_status != Ad.Status.ACTIVE:
        raise ValidationError(ERROR_MESSAGES["offer_ad_unavailable"], code="offer_ad_unavailable")
    # The ad's price now, not the snapshot's: the seller may have lowered it since.
    asking = conversation.ad_current_price
    if asking is not None and value > asking and not above_asking_confirmed:
        raise ValidationError(
            ERROR_MESSAGES["offer_above_asking"],
            code="offer_above_asking",
            params={"amount": format_money(value), "price": format_money(asking)},
        )
    refuse_if_blocked(sender=user, recipient_id=conversation.other_user_id(user.pk))
    refuse_if_suspended(recipient_id=conversation.other_user_id(user.pk))


def _pending_offers_answer_locked(*, conversation: Conversation, user: User, now: datetime) -> Offer | None:
    """Close the locked *conversation*'s pending offer before *user*'s new one: expired if due, else
    replaced (*user*'s own) or countered (the other side's). Return the countered offer, or None."""
    answered = None
    pending_offers = Offer.objects.select_for_update().filter(
        conversation=conversation, status=Offer.Status.PENDING
    )
    for pending in pending_offers:
        _expire_if_due(conversation=conversation, offer=pending, now=now)
        if pending.status == Offer.Status.PENDING:
            mine = pending.made_by_id == user.pk
            status = Offer.Status.REPLACED if mine else Offer.Status.COUNTERED
            offer_set_status_locked(conversation=conversation, offer=pending, status=status, now=now)
            answered = None if mine else pending
    return answered


def _offer_decide(
    *, offer: Offer, user: User, status: str, notice: str, created_at: datetime | None
) -> Offer:
    conversation, locked = _locked_offer(offer)
    if user.pk not in (conversation.buyer_id, conversation.seller_id):
        raise PermissionDenied("Only participants can act on offers.")
    if status == Offer.Status.WITHDRAWN and user.pk != locked.made_by_id:
        raise ValidationError(ERROR_MESSAGES["offer_not_own"], code="offer_not_own")
    if status != Offer.Status.WITHDRAWN and user.pk == locked.made_by_id:
        raise ValidationError(ERROR_MESSAGES["offer_own"], code="offer_own")
    # Removing the ad expired its pending offers; saying why beats "already expired".
    if status == Offer.Status.ACCEPTED and conversation.ad_status == Ad.Status.REMOVED:
        raise ValidationError(ERROR_MESSAGES["offer_ad_removed"], code="offer_ad_removed")
    if status == Offer.Status.ACCEPTED:  # a deal with someone who can't log in to close it
        refuse_if_suspended(recipient_id=conversation.other_user_id(user.pk))
    now = created_at or timezone.now()
    # An offer past its expiry is refused as expired; ``offers_expire_due`` records it with a notice.
    current = locked.current_status(now=now)
    if current != Offer.Status.PENDING:
        raise ValidationError(
            ERROR_MESSAGES["offer_not_pending"],
            code="offer_not_pending",
            params={"status": Offer.Status(current).label.lower()},
        )
    offer_set_status_locked(conversation=conversation, offer=locked, status=status, now=now)
    message_create_locked(
        conversation=conversation,
        sender=user,
        body="",
        notice=notice,
        notice_params=notice_params(name=user.display_name, amount=locked.amount),
        created_at=created_at,
        kind=Message.Kind.SYSTEM,
        offer=locked,
    )
    return locked


@transaction.atomic
def offer_accept(*, offer: Offer, user: User, created_at: datetime | None = None) -> Offer:
    """Accept the other participant's pending offer (the seller a buyer's, the buyer a seller's
    counter-offer). The ad is not reserved or sold by this: the seller gets "Reserve" and "Mark as sold"
    buttons next to the accepted offer (``chat.services.deals``).

    Raises PermissionDenied (non-participant) or ValidationError: ``offer_own`` (one's own offer),
    ``offer_ad_removed`` (the ad was removed), ``recipient_suspended`` (the proposer is suspended),
    ``offer_not_pending`` (already decided, withdrawn, replaced, countered or expired). Locks the
    conversation, then the offer, so two simultaneous decisions leave exactly one outcome.
    """
    return _offer_decide(
        offer=offer, user=user, status=Offer.Status.ACCEPTED, notice="offer_accepted", created_at=created_at
    )


@transaction.atomic
def offer_decline(*, offer: Offer, user: User, created_at: datetime | None = None) -> Offer:
    """Decline the other participant's pending offer. Raises and locks like ``offer_accept``."""
    return _offer_decide(
        offer=offer, user=user, status=Offer.Status.DECLINED, notice="offer_declined", created_at=created_at
    )


@transaction.atomic
def offer_withdraw(*, offer: Offer, user: User, created_at: datetime | None = None) -> Offer:
    """Withdraw one's own pending offer. Raises ``offer_not_own`` / ``offer_not_pending`` and locks like
    ``offer_accept``.
    """
    return _offer_decide(
        offer=offer, user=user, status=Offer.Status.WITHDRAWN, notice="offer_withdrawn", created_at=created_at
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
