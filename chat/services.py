"""Writes to chat state. Views, admin actions, management commands and tests all go through here.

Ordering rule: every write that adds a message or reads ``last_message`` to act on it first locks the
conversation row (``SELECT … FOR UPDATE``). Messages of one conversation are therefore created one at a
time, so their ids and ``created_at`` grow together and a poll's "after message id" cursor never skips
a message committed late.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User, UserBlock
from ads.models import Ad
from chat import poll_tokens
from chat.models import (
    MESSAGE_MAX_LENGTH,
    Conversation,
    ConversationParticipant,
    Message,
    MessagePhoto,
    Offer,
)
from marketplace.images import ProcessedImage
from marketplace.money import format_money

# User-facing error texts, keyed by code so forms, views and tests share them.
ERROR_MESSAGES = {
    "empty": _("Write a message before sending."),
    "too_long": _("Messages can be at most %(limit)s characters (yours has %(length)s)."),
    "null_character": _("The message contains a character that cannot be sent."),
    "own_ad": _("This is your own ad: buyers' conversations about it are in your chats."),
    "ad_unavailable": _("This ad is no longer available, so a new conversation can't be started."),
    "nothing_to_mark": _("There is no message from the other person to mark as unread."),
    "offer_not_buyer": _("Only the buyer can make an offer."),
    "offer_ad_unavailable": _("This ad is no longer for sale, so offers are closed."),
    "offer_amount": _("Enter an amount above 0 and up to %(max)s, with at most two decimals."),
    "offer_not_seller": _("Only the seller can accept or decline an offer."),
    "offer_not_own": _("Only the buyer who made the offer can withdraw it."),
    "offer_not_pending": _("This offer is already %(status)s."),
    "blocked": _("You can't reply to this conversation."),
    "blocked_by_you": _("You blocked %(name)s. Unblock them under “Blocked users” to write again."),
    "blocked_start": _("You can't write to this seller."),
    "too_many_photos": _("Send at most %(limit)s photos in one message."),
}


def _refuse_if_blocked(*, sender: User, recipient_id: int) -> None:
    """Raise ValidationError when either user blocked the other (one indexed query).

    Codes: ``blocked`` (the recipient blocked the sender: the sender is told only that they can't
    reply) and ``blocked_by_you`` (the sender blocked the recipient).
    """
    blockers = set(
        UserBlock.objects.filter(
            Q(blocker_id=sender.pk, blocked_id=recipient_id)
            | Q(blocker_id=recipient_id, blocked_id=sender.pk)
        ).values_list("blocker_id", flat=True)
    )
    if recipient_id in blockers:
        raise ValidationError(ERROR_MESSAGES["blocked"], code="blocked")
    if sender.pk in blockers:
        name = User.objects.filter(pk=recipient_id).values_list("display_name", flat=True).first()
        raise ValidationError(ERROR_MESSAGES["blocked_by_you"], code="blocked_by_you", params={"name": name})


def message_body_clean(body: str, *, allow_empty: bool = False) -> str:
    """Return *body* ready to store: line endings normalised to ``\\n``, surrounding whitespace trimmed.

    Nothing else is changed (no HTML stripping: bodies are escaped on output). *allow_empty* is for
    messages that carry photos. Raises ValidationError with code ``empty``, ``too_long`` or
    ``null_character``.
    """
    cleaned = (body or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not cleaned:
        if allow_empty:
            return ""
        raise ValidationError(ERROR_MESSAGES["empty"], code="empty")
    if "\x00" in cleaned:
        raise ValidationError(ERROR_MESSAGES["null_character"], code="null_character")
    if len(cleaned) > MESSAGE_MAX_LENGTH:
        raise ValidationError(
            ERROR_MESSAGES["too_long"],
            code="too_long",
            params={"limit": MESSAGE_MAX_LENGTH, "length": len(cleaned)},
        )
    return cleaned


def _snapshot_fields(ad: Ad) -> dict:
    cover = ad.cover_photo
    return {
        "ad_entity_type": ad.category.slug,
        "ad_public_id": ad.public_id,
        "ad_title": ad.title,
        "ad_thumbnail_url": cover.thumbnail.url if cover else "",
        "ad_price": ad.price,
        "ad_link": ad.get_absolute_url(),
        "ad_status": ad.status,
    }


def _conversation_get_or_create(*, buyer: User, ad: Ad, created_at: datetime | None = None) -> Conversation:
    existing = Conversation.objects.filter(buyer=buyer, seller_id=ad.owner_id, ad=ad).first()
    if existing is not None:
        return existing
    try:
        # Savepoint: a concurrent request may insert the same (buyer, seller, ad) first; the unique
        # constraint makes this insert fail, and the row the other request created is used instead.
        with transaction.atomic():
            now = created_at or timezone.now()
            conversation = Conversation.objects.create(
                buyer=buyer,
                seller_id=ad.owner_id,
                ad=ad,
                created_at=now,
                last_message_at=now,
                updated_at=now,
                **_snapshot_fields(ad),
            )
            ConversationParticipant.objects.bulk_create(
                [
                    ConversationParticipant(
                        conversation=conversation,
                        user=buyer,
                        role=ConversationParticipant.Role.BUYER,
                        last_message_at=now,
                    ),
                    ConversationParticipant(
                        conversation=conversation,
                        user_id=ad.owner_id,
                        role=ConversationParticipant.Role.SELLER,
                        last_message_at=now,
                    ),
                ]
            )
            return conversation
    except IntegrityError:
        return Conversation.objects.get(buyer=buyer, seller_id=ad.owner_id, ad=ad)


def _message_create(
    *,
    conversation: Conversation,
    sender: User,
    body: str,
    created_at: datetime | None,
    kind: str = Message.Kind.TEXT,
    offer: Offer | None = None,
    photo_count: int = 0,
) -> Message:
    """Insert a message into a conversation that the caller has locked; update the denormalised fields."""
    now = timezone.now()
    sent_at = created_at or now
    # Clocks of several app servers may disagree slightly; never let a message sort before its predecessor.
    if conversation.last_message_id is not None and sent_at < conversation.last_message_at:
        sent_at = conversation.last_message_at
    message = Message.objects.create(
        conversation=conversation,
        sender=sender,
        body=body,
        created_at=sent_at,
        kind=kind,
        offer=offer,
        photo_count=photo_count,
    )
    conversation.last_message = message
    conversation.last_message_at = sent_at
    conversation.updated_at = now
    conversation.save(update_fields=["last_message", "last_message_at", "updated_at"])
    # The sender has read everything up to their own message; the other participant has one more unread
    # message, and a conversation they had archived comes back to their main list.
    ConversationParticipant.objects.filter(conversation=conversation, user=sender).update(
        last_read_message=message, unread_count=0, last_message_at=sent_at, updated_at=now
    )
    ConversationParticipant.objects.filter(conversation=conversation).exclude(user=sender).update(
        unread_count=F("unread_count") + 1, archived_at=None, last_message_at=sent_at, updated_at=now
    )
    poll_tokens.bump_conversations([(conversation.public_id, conversation.buyer_id, conversation.seller_id)])
    return message


@transaction.atomic
def conversation_start(
    *,
    buyer: User,
    ad: Ad,
    body: str,
    created_at: datetime | None = None,
    first_sender_is_seller: bool = False,
) -> tuple[Conversation, Message]:
    """Send *body* from *buyer* to the owner of *ad*, creating their conversation about it if needed.

    Returns ``(conversation, message)``. The conversation is created together with its first message, so a
    seller never sees an empty conversation. One conversation exists per (buyer, seller, ad): concurrent
    calls return the same one (database unique constraint; the loser of the race reuses the winner's row).
    *created_at* (aware datetime) and *first_sender_is_seller* (the seller greeted first) are for importers
    replaying recorded dialogues; the site leaves them at their defaults.

    Raises ValidationError with code ``own_ad`` (buyer owns the ad), ``ad_unavailable`` (sold or removed),
    ``blocked``/``blocked_by_you`` (one of them blocked the other) or a body error (see
    ``message_body_clean``). Locks the conversation row while the message is added.
    """
    body = message_body_clean(body)
    if ad.owner_id == buyer.pk:
        raise ValidationError(ERROR_MESSAGES["own_ad"], code="own_ad")
    if ad.status != Ad.Status.ACTIVE:
        raise ValidationError(ERROR_MESSAGES["ad_unavailable"], code="ad_unavailable")
    try:
        _refuse_if_blocked(sender=buyer, recipient_id=ad.owner_id)
    except ValidationError as error:
        if error.code == "blocked":
            raise ValidationError(ERROR_MESSAGES["blocked_start"], code="blocked") from None
        raise
    conversation = _conversation_get_or_create(buyer=buyer, ad=ad, created_at=created_at)
    conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
    sender = ad.owner if first_sender_is_seller else buyer
    message = _message_create(conversation=conversation, sender=sender, body=body, created_at=created_at)
    return conversation, message


@transaction.atomic
def message_send(
    *,
    conversation: Conversation,
    sender: User,
    body: str,
    photos: Sequence[ProcessedImage] = (),
    created_at: datetime | None = None,
) -> Message:
    """Append a message from *sender* to *conversation* and return it.

    Participants may keep writing after the ad is sold or removed. A participant who had deleted the
    conversation gets it back in their list with this message (only later messages are shown to them).
    *created_at* (aware datetime) is for importers replaying history; the site leaves it None.

    *photos* (up to MARKETPLACE_PHOTOS_PER_MESSAGE, already verified by ``process_uploaded_image``) are
    stored with it; with photos the body may be empty.
    Raises PermissionDenied if *sender* is not a participant, ValidationError for a bad body, too many
    photos (``too_many_photos``) or a block
    between the two (codes ``blocked``, ``blocked_by_you``). Locks the conversation row for the duration of
    the insert.
    """
    body = message_body_clean(body, allow_empty=bool(photos))
    if len(photos) > settings.MARKETPLACE_PHOTOS_PER_MESSAGE:
        raise ValidationError(
            ERROR_MESSAGES["too_many_photos"],
            code="too_many_photos",
            params={"limit": settings.MARKETPLACE_PHOTOS_PER_MESSAGE},
        )
    locked = Conversation.objects.select_for_update().get(pk=conversation.pk)
    if sender.pk not in (locked.buyer_id, locked.seller_id):
        raise PermissionDenied("Only participants can write in a conversation.")
    _refuse_if_blocked(sender=sender, recipient_id=locked.other_user_id(sender.pk))
    message = _message_create(
        conversation=locked, sender=sender, body=body, created_at=created_at, photo_count=len(photos)
    )
    for position, photo in enumerate(photos):
        stored = MessagePhoto(message=message, position=position)
        stored.image.save(f"{message.pk}-{position}.jpg", photo.image, save=False)
        stored.thumbnail.save(f"{message.pk}-{position}-thumb.jpg", photo.thumbnail, save=False)
        stored.save()
    conversation.last_message = message
    conversation.last_message_at = locked.last_message_at
    return message


@transaction.atomic
def conversation_hide(*, conversation: Conversation, user: User) -> None:
    """Delete *conversation* from *user*'s view: hide it and its history up to now, for *user* only.

    The other participant keeps everything and nothing is deleted from the database. A later message
    brings the conversation back to *user*'s list, showing only messages after this moment.
    Raises ConversationParticipant.DoesNotExist if *user* is not a participant. Locks the conversation
    row so a message being sent at the same moment is either hidden or shown, never half of each.
    """
    locked = Conversation.objects.select_for_update().get(pk=conversation.pk)
    participant = ConversationParticipant.objects.get(conversation=locked, user=user)
    now = timezone.now()
    participant.history_cleared_up_to_id = locked.last_message_id
    participant.last_read_message_id = locked.last_message_id
    participant.unread_count = 0
    participant.hidden_at = now
    participant.updated_at = now
    participant.save(
        update_fields=[
            "history_cleared_up_to",
            "last_read_message",
            "unread_count",
            "hidden_at",
            "updated_at",
        ]
    )
    poll_tokens.bump(conversation_views=[(locked.public_id, user.pk)], user_ids=[user.pk])


def conversation_mark_read(*, conversation: Conversation, user: User, up_to_message_id: int) -> bool:
    """Advance *user*'s read pointer in *conversation* to *up_to_message_id* (never backwards).

    One UPDATE: the unread count becomes the number of the other participant's messages after the new
    pointer (those not delivered yet), which reads only unread rows, never the history. Returns True if
    the pointer moved. Does nothing for a non-participant.
    """
    still_unread = (
        Message.objects.filter(conversation=OuterRef("conversation"), id__gt=up_to_message_id)
        .exclude(sender=OuterRef("user"))
        .order_by()
        .values("conversation")
        .annotate(count=Count("id"))
        .values("count")
    )
    updated = (
        ConversationParticipant.objects.filter(conversation=conversation, user=user)
        .filter(Q(last_read_message__isnull=True) | Q(last_read_message__lt=up_to_message_id))
        .update(
            last_read_message_id=up_to_message_id,
            unread_count=Coalesce(Subquery(still_unread, output_field=IntegerField()), 0),
            updated_at=timezone.now(),
        )
    )
    if updated:
        # The reader's list (unread state) and the other participant's view (read receipts) change.
        other_id = conversation.seller_id if user.pk == conversation.buyer_id else conversation.buyer_id
        poll_tokens.bump(conversation_views=[(conversation.public_id, other_id)], user_ids=[user.pk])
    return bool(updated)


@transaction.atomic
def conversation_mark_unread(*, conversation: Conversation, user: User) -> None:
    """Mark *conversation* unread for *user*: the read pointer goes back to just before the other
    participant's latest message, so it shows bold with a badge until opened again.

    Raises ValidationError (code ``nothing_to_mark``) when the other participant has not written anything
    visible to *user*. Raises ConversationParticipant.DoesNotExist for a non-participant.
    """
    participant = ConversationParticipant.objects.select_for_update().get(
        conversation=conversation, user=user
    )
    latest_from_other = (
        Message.objects.filter(conversation=conversation, id__gt=participant.history_cleared_up_to_id or 0)
        .exclude(sender=user)
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
    )
    if latest_from_other is None:
        raise ValidationError(ERROR_MESSAGES["nothing_to_mark"], code="nothing_to_mark")
    previous = (
        Message.objects.filter(conversation=conversation, id__lt=latest_from_other)
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
    )
    participant.last_read_message_id = previous
    participant.unread_count = (
        Message.objects.filter(conversation=conversation, id__gte=latest_from_other)
        .exclude(sender=user)
        .count()
    )
    participant.updated_at = timezone.now()
    participant.save(update_fields=["last_read_message", "unread_count", "updated_at"])
    poll_tokens.bump(user_ids=[user.pk])


def conversation_set_archived(*, conversation: Conversation, user: User, archived: bool) -> None:
    """Archive (or unarchive) *conversation* for *user* only: it leaves (or rejoins) the main list.

    A later message from the other participant unarchives it (see ``_message_create``). One UPDATE;
    does nothing for a non-participant.
    """
    now = timezone.now()
    ConversationParticipant.objects.filter(conversation=conversation, user=user).update(
        archived_at=now if archived else None, updated_at=now
    )
    poll_tokens.bump(user_ids=[user.pk])


def conversations_sync_ad_status(*, ad: Ad) -> int:
    """Copy *ad*'s status into the snapshot of every conversation about it; return how many changed.

    One SELECT and one UPDATE; replaces the poll tokens of those conversations and their participants' lists
    so open chats and lists pick the change up on their next poll.
    Call inside the transaction that changed the ad so the flag can never disagree with the ad.
    """
    changing = Conversation.objects.filter(ad=ad).exclude(ad_status=ad.status)
    affected = list(changing.values_list("public_id", "buyer_id", "seller_id"))
    count = changing.update(ad_status=ad.status, updated_at=timezone.now())
    poll_tokens.bump_conversations(affected)
    return count


# --- Offers ----------------------------------------------------------------------------------------------


def _locked_offer(offer: Offer) -> tuple[Conversation, Offer]:
    """Lock the conversation, then the offer (always in this order), and return fresh copies."""
    conversation = Conversation.objects.select_for_update().get(pk=offer.conversation_id)
    return conversation, Offer.objects.select_for_update().get(pk=offer.pk)


def _expire_if_due(*, conversation: Conversation, offer: Offer, now: datetime) -> None:
    """Record a pending offer past its expiry as expired, with a notice in the thread."""
    if offer.status == Offer.Status.PENDING and offer.expires_at <= now:
        offer.status = Offer.Status.EXPIRED
        offer.decided_at = now
        offer.save(update_fields=["status", "decided_at"])
        _message_create(
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
    from django.conf import settings

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


@transaction.atomic
def offer_make(
    *, conversation: Conversation, buyer: User, amount, created_at: datetime | None = None
) -> Offer:
    """Make an offer of *amount* (see ``offer_amount_clean``) as the buyer; return it.

    A pending offer is replaced (its card says so). The offer appears in the thread as an offer card
    (a message of kind ``offer``) and expires after MARKETPLACE_OFFER_TTL_S seconds. *created_at* is
    for importers. Raises PermissionDenied for a non-participant, ValidationError with code
    ``offer_not_buyer``, ``offer_ad_unavailable`` or ``offer_amount``. Locks the conversation row.
    """
    from django.conf import settings

    value = offer_amount_clean(amount)
    locked = Conversation.objects.select_for_update().get(pk=conversation.pk)
    if buyer.pk not in (locked.buyer_id, locked.seller_id):
        raise PermissionDenied("Only participants can make offers.")
    if buyer.pk != locked.buyer_id:
        raise ValidationError(ERROR_MESSAGES["offer_not_buyer"], code="offer_not_buyer")
    if locked.ad_status != Ad.Status.ACTIVE:
        raise ValidationError(ERROR_MESSAGES["offer_ad_unavailable"], code="offer_ad_unavailable")
    _refuse_if_blocked(sender=buyer, recipient_id=locked.seller_id)
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
    _message_create(
        conversation=locked,
        sender=buyer,
        body=f"Offer: {format_money(value)}",
        created_at=created_at,
        kind=Message.Kind.OFFER,
        offer=offer,
    )
    return offer


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
    _message_create(
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
    """Record every pending offer past its expiry as expired, each with a notice in its thread.

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
