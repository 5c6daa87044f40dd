"""The deal: the seller reserves the ad for, or sells it to, the buyer of an accepted offer; every
conversation about the ad follows the ad's status, and the other buyers are told.

Lock order: the ad row (taken first, also by ``ads.services``), then the conversation rows in id order,
then offer rows. Nothing that holds a conversation row ever waits for an ad row, so a deal and the
conversations' own writes (sends, offers) cannot deadlock.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import User, UserBlock
from ads import services as ad_services
from ads.models import Ad
from chat import delivery
from chat.errors import ERROR_MESSAGES
from chat.models import Conversation, Message, Offer
from chat.notices import notice_params
from chat.services.messages import message_create_locked
from chat.services.offers import offer_set_status_locked
from notifications import services as notification_services

# What the other buyers' conversations say when the ad's status changes (chat.notices codes).
TOLD_NOTICES = {
    Ad.Status.RESERVED: "told_reserved",
    Ad.Status.SOLD: "told_sold",
    Ad.Status.ACTIVE: "told_available",
    Ad.Status.REMOVED: "told_removed",
}


def _deal_offer(*, offer: Offer, user: User) -> tuple[Ad, Conversation]:
    """Lock the ad of *offer*'s conversation, then the conversation and the offer; return the ad and the
    conversation once *user* is its seller and the offer is accepted."""
    conversation = Conversation.objects.get(pk=offer.conversation_id)
    if user.pk not in (conversation.buyer_id, conversation.seller_id):
        raise PermissionDenied("Only participants can act on offers.")
    if user.pk != conversation.seller_id:
        raise ValidationError(ERROR_MESSAGES["deal_not_seller"], code="deal_not_seller")
    ad = Ad.objects.select_for_update().filter(pk=conversation.ad_id).first()
    if ad is None:
        raise ValidationError(ERROR_MESSAGES["deal_ad_gone"], code="deal_ad_gone")
    Conversation.objects.select_for_update().get(pk=conversation.pk)
    locked = Offer.objects.select_for_update().get(pk=offer.pk)
    if locked.status != Offer.Status.ACCEPTED:
        raise ValidationError(ERROR_MESSAGES["offer_not_accepted"], code="offer_not_accepted")
    return ad, conversation


@dataclass(frozen=True)
class DealOutcome:
    """What a deal did: the ad as saved, and how many conversations about it other than the deal's were
    told (0 for a repeat that changed nothing)."""

    ad: Ad
    conversations_told: int


def _told(change: ad_services.AdStatusChange) -> DealOutcome:
    """Bring the conversations in line with the ad *change* made (unannounced) by the deal."""
    told = conversations_sync_ad_status(ad=change.ad) if change.changed else 0
    return DealOutcome(ad=change.ad, conversations_told=told)


@transaction.atomic
def offer_reserve(*, offer: Offer, user: User) -> DealOutcome:
    """Reserve the ad for the buyer of the accepted *offer*, as the conversation's seller *user*.

    Every other conversation about the ad is told ("reserved for another buyer") and their pending
    offers expire (``conversations_sync_ad_status``, called here: the ad change is not announced); the
    result says how many were told. Raises PermissionDenied (non-participant), ValidationError:
    ``deal_not_seller``, ``deal_ad_gone``, ``offer_not_accepted``, and ``ads.services.ad_reserve``'s
    (``sold``, ``reserved_for_other``, ``removed``). Locks the ad, then the conversations, then the offer.
    """
    ad, conversation = _deal_offer(offer=offer, user=user)
    return _told(ad_services.ad_reserve(ad=ad, user=user, buyer=conversation.buyer, announce=False))


@transaction.atomic
def offer_mark_sold(*, offer: Offer, user: User) -> DealOutcome:
    """Mark the ad sold to the buyer of the accepted *offer*; raises, locks and tells like
    ``offer_reserve`` (the others read "This item has been sold.")."""
    ad, conversation = _deal_offer(offer=offer, user=user)
    return _told(ad_services.ad_mark_sold(ad=ad, user=user, buyer=conversation.buyer, announce=False))


def _notice(
    *, conversation: Conversation, ad: Ad, is_deal: bool, was_deal: bool, names: dict
) -> tuple[str, dict]:
    """The notice (``chat.notices`` code and parameters) *conversation* gets for the ad's new status, or
    ("", {}) for none (nothing new for this conversation). A removal tells every conversation alike."""
    if ad.status == Ad.Status.REMOVED:
        return TOLD_NOTICES[ad.status], {}
    people = notice_params(seller=names.get(ad.owner_id, ""), buyer=names.get(conversation.buyer_id, ""))
    if is_deal and ad.status == Ad.Status.RESERVED:
        return "deal_reserved", people
    if is_deal:
        return "deal_sold", people
    if was_deal and ad.status == Ad.Status.ACTIVE:
        return "deal_released", {"seller": people["seller"]}
    if was_deal or conversation.ad_status != ad.status:
        return TOLD_NOTICES[ad.status], {}
    return "", {}


def conversations_sync_ad_status(*, ad: Ad) -> int:
    """Bring every conversation about *ad* (saved with its new status, row locked by the caller) in line
    with it; return how many conversations other than the deal's were told (for a removal: how many were
    told).

    Each conversation whose snapshot status or deal changed gets ``ad_status`` and ``deal_at`` updated and
    one system notice from the seller (``_notice``): the buyer the ad is reserved for or sold to reads
    that, the others read TOLD_NOTICES; a removal tells every conversation. When the ad is reserved or
    sold the other conversations' pending offers expire; when it is removed, every conversation's do.
    Conversations with a block between the two get the status and the expiry but no notice. Called by
    the deal service and by the ``ads.signals.ad_status_changed`` receiver, inside the ad's transaction;
    locks the conversations in id order, then their pending offers. Poll tokens of every changed
    conversation are replaced on commit. Each conversation's own snapshot says what it was told, so the
    ad's previous state is not needed.
    """
    conversations = list(Conversation.objects.select_for_update().filter(ad=ad).order_by("pk"))
    now = timezone.now()
    changes = _status_changes(ad=ad, conversations=conversations)
    if not changes:
        return 0
    blocked = _buyers_in_a_block_with_seller(ad=ad, buyer_ids=[c.buyer_id for c, _, _ in changes])
    # The seller sends the notices; the deal's buyer (and a released one) is named in theirs.
    people = {c.buyer_id for c, is_deal, was_deal in changes if is_deal or was_deal} | {ad.owner_id}
    users = User.objects.in_bulk(people)
    seller, names = users[ad.owner_id], {pk: user.display_name for pk, user in users.items()}
    _expire_pending_offers(ad=ad, changes=changes, now=now)
    removed = ad.status == Ad.Status.REMOVED
    told = 0
    for conversation, is_deal, was_deal in changes:
        notice, params = _notice(
            conversation=conversation, ad=ad, is_deal=is_deal, was_deal=was_deal, names=names
        )
        notice = notice if conversation.buyer_id not in blocked else ""
        if is_deal and notice:
            _tell_deal_buyer(conversation=conversation, ad=ad)
        _conversation_follow(
            conversation=conversation, ad=ad, is_deal=is_deal, seller=seller, notice=(notice, params), now=now
        )
        told += bool(notice) and (removed or not (is_deal or was_deal))
    return told


def _tell_deal_buyer(*, conversation: Conversation, ad: Ad) -> None:
    """Put "reserved for you" / "sold to you" in the deal buyer's notification centre (in the ad's
    transaction), linking to the conversation."""
    kind = "deal_reserved" if ad.status == Ad.Status.RESERVED else "deal_sold"
    notification_services.notify(
        conversation.buyer_id, kind, params={"title": ad.title}, url=conversation.get_absolute_url()
    )


def _status_changes(*, ad: Ad, conversations: list[Conversation]) -> list[tuple[Conversation, bool, bool]]:
    """The conversations whose snapshot status or deal differs from *ad*'s, each with whether it is now
    the deal's (``is_deal``) and whether it was (``was_deal``)."""
    closed = ad.status in (Ad.Status.RESERVED, Ad.Status.SOLD)
    changes = []
    for conversation in conversations:
        is_deal = closed and ad.buyer_id is not None and conversation.buyer_id == ad.buyer_id
        was_deal = conversation.deal_at is not None
        if conversation.ad_status != ad.status or is_deal != was_deal:
            changes.append((conversation, is_deal, was_deal))
    return changes


def _buyers_in_a_block_with_seller(*, ad: Ad, buyer_ids: list[int]) -> set[int]:
    """The ids among *buyer_ids* who blocked *ad*'s owner or were blocked by them (no notice for them)."""
    blocked = set()
    for blocker_id, blocked_id in UserBlock.objects.filter(
        Q(blocker_id=ad.owner_id, blocked_id__in=buyer_ids)
        | Q(blocker_id__in=buyer_ids, blocked_id=ad.owner_id)
    ).values_list("blocker_id", "blocked_id"):
        blocked.add(blocked_id if blocker_id == ad.owner_id else blocker_id)
    return blocked


def _expire_pending_offers(*, ad: Ad, changes: list[tuple[Conversation, bool, bool]], now) -> None:
    """Expire the pending offers of the changed conversations that lost the ad: every one for a removal,
    the others than the deal's for a reservation or sale. Locks the offers in id order."""
    closed = ad.status in (Ad.Status.RESERVED, Ad.Status.SOLD)
    removed = ad.status == Ad.Status.REMOVED
    expiring = {c.pk: c for c, is_deal, _ in changes if removed or (closed and not is_deal)}
    pending = Offer.objects.select_for_update().filter(conversation__in=expiring, status=Offer.Status.PENDING)
    for offer in pending.order_by("pk"):
        offer_set_status_locked(
            conversation=expiring[offer.conversation_id], offer=offer, status=Offer.Status.EXPIRED, now=now
        )


def _conversation_follow(
    *, conversation: Conversation, ad: Ad, is_deal: bool, seller: User, notice: tuple[str, dict], now
) -> None:
    """Save *ad*'s status and deal into *conversation*'s snapshot and post *notice* (code, parameters)
    from *seller*, or, for no notice (code ""), only replace the conversation's poll tokens on commit."""
    conversation.ad_status = ad.status
    conversation.deal_at = (conversation.deal_at or now) if is_deal else None
    conversation.updated_at = now
    conversation.save(update_fields=["ad_status", "deal_at", "updated_at"])
    notice, params = notice
    if notice:
        message_create_locked(
            conversation=conversation,
            sender=seller,
            body="",
            notice=notice,
            notice_params=params,
            created_at=None,
            kind=Message.Kind.SYSTEM,
        )
    else:
        delivery.announce(
            conversations=[(conversation.public_id, conversation.buyer_id, conversation.seller_id)]
        )
