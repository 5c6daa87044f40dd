"""Writes to a user's away message and quick replies, and the away message a buyer's message gets.

Every change locks the user's ``ReplySettings`` row (created on first write), so two devices editing the
list at once apply one after the other.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from chat import delivery, selectors
from chat.errors import ERROR_MESSAGES
from chat.models import (
    AWAY_TEXT_MAX_LENGTH,
    QUICK_REPLIES_MAX,
    QUICK_REPLY_DEFAULTS,
    QUICK_REPLY_MAX_LENGTH,
    AwayReply,
    Conversation,
    Message,
    ReplySettings,
)
from chat.notices import notice_params


def _locked(user: User) -> ReplySettings:
    """Return *user*'s settings row, created if missing, locked for the current transaction."""
    ReplySettings.objects.get_or_create(user=user)
    return ReplySettings.objects.select_for_update().get(user=user)


def _clean_text(text: str | None, *, limit: int, code: str) -> str:
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if "\x00" in text:
        raise ValidationError(ERROR_MESSAGES["null_character"], code="null_character")
    if len(text) > limit:
        raise ValidationError(ERROR_MESSAGES[code], code=code, params={"limit": limit})
    return text


@transaction.atomic
def away_settings_update(
    *, user: User, enabled: bool, text: str, until: datetime | None = None
) -> ReplySettings:
    """Set *user*'s away message: *enabled*, its *text* (trimmed, up to AWAY_TEXT_MAX_LENGTH characters;
    required when enabled) and *until* (aware datetime when away ends, None: until turned off). Turning it
    on when it was off starts a new away period: conversations answered in the last one get it again.

    Raises ValidationError ``away_text_required``, ``away_text_too_long``, ``null_character``,
    ``away_until_past`` (*until* not in the future while enabling). Locks the settings row.
    """
    text = _clean_text(text, limit=AWAY_TEXT_MAX_LENGTH, code="away_text_too_long")
    if enabled and not text:
        raise ValidationError(ERROR_MESSAGES["away_text_required"], code="away_text_required")
    now = timezone.now()
    if enabled and until is not None and until <= now:
        raise ValidationError(ERROR_MESSAGES["away_until_past"], code="away_until_past")
    row = _locked(user)
    if enabled and not row.away_now(now):
        row.away_period += 1
    row.away_enabled, row.away_text, row.away_until, row.updated_at = enabled, text, until, now
    row.save(update_fields=["away_enabled", "away_text", "away_until", "away_period", "updated_at"])
    return row


def away_reply_locked(*, conversation: Conversation, message: Message) -> Message | None:
    """Answer the buyer's *message* in *conversation* (locked by the caller) with the seller's away message
    when the seller is away and has not answered this conversation in this away period; return the away
    message, or None.

    The away message is a system notice from the seller (``notice="away"``): it is not a reply for the
    response time or the review gate, and does not mark the seller's side read. One query when the seller
    has no away message on; then a savepointed insert of ``AwayReply`` (unique per conversation and
    period) and the message. Side effects as ``message_create_locked``.
    """
    from chat.services.messages import message_create_locked  # messages imports this module

    if message.sender_id != conversation.buyer_id or message.kind == Message.Kind.SYSTEM:
        return None
    away = selectors.away_settings_of(user_id=conversation.seller_id)
    if away is None or not away.away_now():
        return None
    if AwayReply.objects.filter(conversation=conversation, period=away.away_period).exists():
        return None
    seller = conversation.seller
    try:
        # The caller's conversation lock already orders concurrent sends; the constraint is the backstop
        # (a savepoint, so the buyer's own message stays).
        with transaction.atomic():
            reply = message_create_locked(
                conversation=conversation,
                sender=seller,
                body="",
                created_at=None,
                kind=Message.Kind.SYSTEM,
                notice="away",
                notice_params=notice_params(name=seller.display_name, text=away.away_text),
                automatic=True,
            )
            AwayReply.objects.create(conversation=conversation, period=away.away_period, message=reply)
    except IntegrityError:
        return None
    return reply


def _announce_own_views(user_id: int) -> None:
    """Quick replies are in the composer of every conversation page the user has (cached under its token)."""
    delivery.announce(
        conversations=selectors.conversation_rows_for_user(user_id=user_id), only_user_id=user_id
    )


def _current_list(row: ReplySettings) -> list[dict]:
    if row.quick_replies is not None:
        return list(row.quick_replies)
    return [{"id": 0, "text": str(text)} for text in QUICK_REPLY_DEFAULTS]


def _save_list(row: ReplySettings, texts: list[str], ids: list[int | None]) -> list[dict]:
    items = []
    for text, reply_id in zip(texts, ids, strict=True):
        if not reply_id:
            row.quick_reply_seq += 1
            reply_id = row.quick_reply_seq
        items.append({"id": reply_id, "text": text})
    row.quick_replies, row.updated_at = items, timezone.now()
    row.save(update_fields=["quick_replies", "quick_reply_seq", "updated_at"])
    _announce_own_views(row.user_id)
    return items


def _clean_list(texts: list[str]) -> list[str]:
    cleaned = [_clean_text(text, limit=QUICK_REPLY_MAX_LENGTH, code="quick_reply_too_long") for text in texts]
    cleaned = [text for text in cleaned if text]
    if len(cleaned) > QUICK_REPLIES_MAX:
        raise ValidationError(
            ERROR_MESSAGES["quick_replies_too_many"],
            code="quick_replies_too_many",
            params={"limit": QUICK_REPLIES_MAX},
        )
    return cleaned


@transaction.atomic
def quick_replies_set(*, user: User, texts: list[str]) -> list[dict]:
    """Replace *user*'s quick replies with *texts* in this order (blank ones dropped; each trimmed, up to
    QUICK_REPLY_MAX_LENGTH characters; at most QUICK_REPLIES_MAX); return the list as stored
    (``[{"id", "text"}]``; an unchanged text keeps its id). Raises ValidationError
    ``quick_reply_too_long``, ``quick_replies_too_many``, ``null_character``. Locks the settings row;
    the user's conversation pages get new tokens on commit."""
    cleaned = _clean_list(texts)
    row = _locked(user)
    old = {item["text"]: item["id"] for item in _current_list(row)}
    return _save_list(row, cleaned, [old.pop(text, None) for text in cleaned])


@transaction.atomic
def quick_reply_add(*, user: User, text: str) -> dict:
    """Append *text* to *user*'s quick replies (the defaults become their own list first); return the
    new ``{"id", "text"}``. Raises ValidationError as ``quick_replies_set`` (an empty text:
    ``quick_reply_empty``)."""
    row = _locked(user)
    current = _current_list(row)
    cleaned = _clean_list([*(item["text"] for item in current), text])
    if len(cleaned) == len(current):
        raise ValidationError(ERROR_MESSAGES["quick_reply_empty"], code="quick_reply_empty")
    items = _save_list(row, cleaned, [item["id"] for item in current] + [None])
    return items[-1]


@transaction.atomic
def quick_reply_change(*, user: User, reply_id: int, text: str | None) -> list[dict]:
    """Change the text of *user*'s quick reply *reply_id* to *text*, or delete it (*text* None); return the
    list as stored. Raises ValidationError ``quick_reply_unknown`` (no such id in the list; the
    defaults have none), ``quick_reply_empty`` (a blank text: delete instead), and the text codes."""
    row = _locked(user)
    current = _current_list(row)
    index = next((i for i, item in enumerate(current) if reply_id and item["id"] == reply_id), None)
    if index is None:
        raise ValidationError(ERROR_MESSAGES["quick_reply_unknown"], code="quick_reply_unknown")
    if text is None:
        del current[index]
    else:
        cleaned = _clean_text(text, limit=QUICK_REPLY_MAX_LENGTH, code="quick_reply_too_long")
        if not cleaned:
            raise ValidationError(ERROR_MESSAGES["quick_reply_empty"], code="quick_reply_empty")
        current[index] = {"id": reply_id, "text": cleaned}
    return _save_list(row, [item["text"] for item in current], [item["id"] for item in current])
