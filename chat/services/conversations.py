"""Writes that start, hide, archive and re-snapshot conversations."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from ads.models import Ad
from chat import delivery, screening, selectors
from chat.errors import ERROR_MESSAGES
from chat.models import Conversation, ConversationParticipant, Message
from chat.services.messages import (
    message_body_clean,
    message_create_locked,
    message_repeat_of,
    refuse_if_blocked,
    refuse_if_unverified,
)
from chat.services.replies import away_reply_locked
from marketplace import idempotency


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
        "ad_current_title": ad.title,
        "ad_current_price": ad.price,
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


def conversation_start(
    *,
    buyer: User,
    ad: Ad,
    body: str,
    created_at: datetime | None = None,
    first_sender_is_seller: bool = False,
    idempotency_key: str | None = None,
) -> tuple[Conversation, Message]:
    """Send *body* from *buyer* to the owner of *ad*, creating their conversation about it if needed.

    Returns ``(conversation, message)``. The conversation is created together with its first message, so a
    seller never sees an empty conversation. One conversation exists per (buyer, seller, ad): concurrent
    calls return the same one (database unique constraint; the loser of the race reuses the winner's row).
    *created_at* (aware datetime) and *first_sender_is_seller* (the seller greeted first) are for importers
    replaying recorded dialogues; the site leaves them at their defaults. With *idempotency_key* a repeat
    returns the message the first call sent, and the same key with another body is refused (see
    ``message_send``).

    Raises ValidationError with code ``own_ad`` (buyer owns the ad), ``ad_unavailable`` (sold or removed;
    a reserved ad takes messages), ``email_unverified`` (the buyer has not confirmed their address),
    ``blocked``/``blocked_by_you`` (one of them blocked the other), ``idempotency_key_reused``,
    ``idempotency_key_mismatch`` or a body error (see ``message_body_clean``). Locks the conversation row
    while the message is added.
    """
    body = message_body_clean(body)
    fingerprint = start_fingerprint(body=body)

    def check_and_start() -> tuple[Conversation, Message]:
        conversation_start_check(buyer=buyer, ad=ad)
        return _conversation_start_locked(
            buyer=buyer,
            ad=ad,
            body=body,
            created_at=created_at,
            first_sender_is_seller=first_sender_is_seller,
            idempotency_key=idempotency_key,
            fingerprint=fingerprint,
        )

    return idempotency.create_once(
        check_and_start,
        lambda: _started_with_key(
            buyer=buyer, ad=ad, idempotency_key=idempotency_key, fingerprint=fingerprint
        ),
    )


@transaction.atomic
def _conversation_start_locked(
    *,
    buyer: User,
    ad: Ad,
    body: str,
    created_at: datetime | None,
    first_sender_is_seller: bool,
    idempotency_key: str | None,
    fingerprint: str,
) -> tuple[Conversation, Message]:
    """``conversation_start`` once checked: get or create the conversation, lock it, and return the message
    this request already sent in it or add *body*."""
    conversation = _conversation_get_or_create(buyer=buyer, ad=ad, created_at=created_at)
    conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
    # Under the lock: an identical request that got here first has committed its message.
    repeat = message_repeat_of(
        sender=buyer,
        idempotency_key=idempotency_key,
        conversation_id=conversation.pk,
        fingerprint=fingerprint,
    )
    if repeat is not None:
        return conversation, repeat
    sender = ad.owner if first_sender_is_seller else buyer
    message = message_create_locked(
        conversation=conversation,
        sender=sender,
        body=body,
        created_at=created_at,
        idempotency_key=idempotency_key,
        idempotency_fingerprint=fingerprint,
    )
    away_reply_locked(conversation=conversation, message=message)
    return conversation, message


def start_fingerprint(*, body: str) -> str:
    """Return the ``idempotency.fingerprint`` of a "Write to seller" with the cleaned *body*."""
    return idempotency.fingerprint(kind="start", body=body)


def conversation_start_check(*, buyer: User, ad: Ad) -> None:
    """Raise the ValidationError ``conversation_start`` would raise about the ad, the buyer's unconfirmed
    address or a block (codes ``own_ad``, ``ad_unavailable`` (also for a suspended seller's ad),
    ``email_unverified``, ``blocked``, ``blocked_by_you``), so views can give that reason before any rate
    limit; returns None when *buyer* may write about *ad*. One query (blocks) when *ad* comes with its
    owner (``ad_get_any``)."""
    if ad.owner_id == buyer.pk:
        raise ValidationError(ERROR_MESSAGES["own_ad"], code="own_ad")
    # A reserved ad still takes messages: people ask to be next in line if the deal falls through. A
    # suspended seller's ads have left the site: to a newcomer they are as unavailable as removed ones.
    if ad.status not in (Ad.Status.ACTIVE, Ad.Status.RESERVED) or not ad.owner.is_active:
        raise ValidationError(ERROR_MESSAGES["ad_unavailable"], code="ad_unavailable")
    refuse_if_unverified(sender=buyer)
    try:
        refuse_if_blocked(sender=buyer, recipient_id=ad.owner_id)
    except ValidationError as error:
        if error.code == "blocked":
            raise ValidationError(ERROR_MESSAGES["blocked_start"], code="blocked") from None
        raise


def _started_with_key(
    *, buyer: User, ad: Ad, idempotency_key: str | None, fingerprint: str
) -> tuple[Conversation, Message] | None:
    """Return ``(conversation, message)`` that *buyer*'s "Write to seller" with this key already sent about
    *ad*, or None. A key used for another conversation raises ValidationError (``idempotency_key_reused``),
    one used for another body (its *fingerprint*) ``idempotency_key_mismatch``."""
    message = selectors.message_sent_with_key(sender=buyer, idempotency_key=idempotency_key)
    if message is None:
        return None
    if message.conversation.ad_id != ad.pk:
        raise ValidationError(ERROR_MESSAGES["idempotency_key_reused"], code="idempotency_key_reused")
    idempotency.check_same_request(message.idempotency_fingerprint, fingerprint)
    return message.conversation, message


def conversation_first_message_held(
    *, buyer: User, ad: Ad, body: str, idempotency_key: str | None = None
) -> bool:
    """Ask the registered first-message screen (``chat.screening``; moderation holds the same text sent to
    many sellers) whether *body*, the first message of a new conversation from *buyer* about *ad*, is taken
    for review instead of delivered. Returns True when it was held (a repeat with the same
    *idempotency_key* is held once)."""
    return screening.first_message_held(buyer=buyer, ad=ad, body=body, idempotency_key=idempotency_key)


@transaction.atomic
def conversation_hide(*, conversation: Conversation, user: User) -> ConversationParticipant:
    """Delete *conversation* from *user*'s view: hide it and its history up to now, for *user* only.

    Returns *user*'s participant row as saved. The other participant keeps everything and nothing is
    deleted from the database. A later message
    brings the conversation back to *user*'s list, showing only messages after this moment.
    Raises ConversationParticipant.DoesNotExist if *user* is not a participant. Locks the conversation
    row so a message being sent at the same moment is either hidden or shown, never half of each.
    """
    locked = Conversation.objects.select_for_update().get(pk=conversation.pk)
    participant = ConversationParticipant.objects.get(conversation=locked, user=user)
    now = timezone.now()
    participant.hidden_up_to_id = locked.last_message_id
    participant.last_read_message_id = locked.last_message_id
    participant.unread_count = 0
    participant.hidden_at = now
    participant.updated_at = now
    participant.save(
        update_fields=[
            "hidden_up_to",
            "last_read_message",
            "unread_count",
            "hidden_at",
            "updated_at",
        ]
    )
    delivery.announce(conversation_views=[(locked.public_id, user.pk)], user_ids=[user.pk])
    return participant


def conversation_set_archived(*, conversation: Conversation, user: User, archived: bool) -> None:
    """Archive (or unarchive) *conversation* for *user* only: it leaves (or rejoins) the main list.

    A later message from the other participant unarchives it (see ``message_create_locked``). One UPDATE;
    does nothing for a non-participant.
    """
    now = timezone.now()
    ConversationParticipant.objects.filter(conversation=conversation, user=user).update(
        archived_at=now if archived else None, updated_at=now
    )
    delivery.announce(user_ids=[user.pk])


def conversation_set_muted(*, conversation: Conversation, user: User, muted: bool) -> None:
    """Mute (or unmute) Web Push notifications about *conversation* for *user* only; its messages still
    count as unread and the unread email still lists it. One UPDATE; nothing for a non-participant."""
    now = timezone.now()
    ConversationParticipant.objects.filter(conversation=conversation, user=user).update(
        muted_at=now if muted else None, updated_at=now
    )
    delivery.announce(conversation_views=[(conversation.public_id, user.pk)])


def conversations_sync_ad_details(*, ad: Ad) -> int:
    """Copy *ad*'s title and price (saved by its owner, row locked by the caller) into every conversation
    about it as ``ad_current_title`` / ``ad_current_price``; the snapshot keeps what each conversation
    started about. Return how many conversations changed.

    Called by the ``ads.signals.ad_details_changed`` receiver inside the ad's transaction. Locks the
    conversations in id order after the ad row (the deal's lock order), and replaces their poll tokens on
    commit, so cached panes and open pages show the new price and offers compare with it.
    """
    rows = list(
        Conversation.objects.select_for_update()
        .filter(ad=ad)
        .order_by("pk")
        .values_list("pk", "public_id", "buyer_id", "seller_id", "ad_current_title", "ad_current_price")
    )
    changed = [row for row in rows if (row[4], row[5]) != (ad.title, ad.price)]
    if not changed:
        return 0
    Conversation.objects.filter(pk__in=[row[0] for row in changed]).update(
        ad_current_title=ad.title, ad_current_price=ad.price, updated_at=timezone.now()
    )
    delivery.announce(conversations=[row[1:4] for row in changed])
    return len(changed)
