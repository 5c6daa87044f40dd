"""Writes that add messages to a conversation.

Ordering rule: every write that adds a message or reads ``last_message`` to act on it first locks the
conversation row (``SELECT … FOR UPDATE``), then the participant rows. Messages of one conversation are
therefore created one at a time, so their ids and ``created_at`` grow together and a poll's "after message
id" cursor never skips a message committed late.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, Exists, F, Value, When
from django.utils import timezone

from accounts.models import User, UserBlock
from chat import delivery, selectors
from chat.errors import ERROR_MESSAGES
from chat.models import MESSAGE_MAX_LENGTH, Conversation, ConversationParticipant, Message, Offer
from chat.notices import notice_text_in_english
from chat.services.photos import message_photos_store
from chat.services.replies import away_reply_locked
from chat.services.reputation import response_time_refresh
from marketplace import idempotency
from marketplace.images import ProcessedImage
from marketplace.sentences import sentence_template


def refuse_if_unverified(*, sender: User) -> None:
    """Raise ValidationError (code ``email_unverified``) when *sender* has not confirmed their email
    address yet: an account must prove it owns its address before it writes to anyone (no query)."""
    if not sender.email_verified:
        raise ValidationError(ERROR_MESSAGES["email_unverified"], code="email_unverified")


def refuse_if_unreachable(
    *, sender: User | None, recipient_id: int, blocks: bool = True, suspension: bool = True
) -> None:
    """Raise ValidationError when *sender*'s message cannot reach *recipient_id*, checking the *blocks*
    between the two and the recipient's *suspension*, in one indexed query. In that order, codes:
    ``blocked`` (the recipient blocked the sender: the sender is told only that they can't reply),
    ``blocked_by_you`` (the sender blocked the recipient) and ``recipient_suspended`` (a moderator
    suspended the recipient, who cannot log in to read it: ``is_active`` off)."""
    fields = {}
    if blocks:
        fields["blocked_sender"] = Exists(
            UserBlock.objects.filter(blocker_id=recipient_id, blocked_id=sender.pk)
        )
        fields["sender_blocked"] = Exists(
            UserBlock.objects.filter(blocker_id=sender.pk, blocked_id=recipient_id)
        )
    recipient = User.objects.filter(pk=recipient_id).values("display_name", "is_active", **fields).first()
    if recipient is None:
        return
    name = recipient["display_name"]
    if blocks and recipient["blocked_sender"]:
        raise ValidationError(ERROR_MESSAGES["blocked"], code="blocked")
    if blocks and recipient["sender_blocked"]:
        # Django interpolates the name when the error is shown; its full stop is settled here.
        message = sentence_template(ERROR_MESSAGES["blocked_by_you"], {"name": name})
        raise ValidationError(message, code="blocked_by_you", params={"name": name})
    if suspension and not recipient["is_active"]:
        raise ValidationError(
            ERROR_MESSAGES["recipient_suspended"], code="recipient_suspended", params={"name": name}
        )


def refuse_if_blocked(*, sender: User, recipient_id: int) -> None:
    """``refuse_if_unreachable`` for the blocks only (codes ``blocked``, ``blocked_by_you``)."""
    refuse_if_unreachable(sender=sender, recipient_id=recipient_id, suspension=False)


def refuse_if_suspended(*, recipient_id: int) -> None:
    """``refuse_if_unreachable`` for the recipient's suspension only (``recipient_suspended``)."""
    refuse_if_unreachable(sender=None, recipient_id=recipient_id, blocks=False)


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


def message_repeat_of(
    *, sender: User, idempotency_key: str | None, conversation_id: int, fingerprint: str | None = None
) -> Message | None:
    """Return the message *sender* already created with *idempotency_key* in this conversation, or None
    (also for no key). Raises ValidationError (code ``idempotency_key_reused``) when the key was used for
    a message in another conversation: a client bug, answered as one rather than guessed at; and, given
    the request's *fingerprint* (``message_fingerprint``), ``idempotency_key_mismatch`` when the key
    first sent something else."""
    found = selectors.message_sent_with_key(sender=sender, idempotency_key=idempotency_key)
    if found is not None and found.conversation_id != conversation_id:
        raise ValidationError(ERROR_MESSAGES["idempotency_key_reused"], code="idempotency_key_reused")
    if found is not None and fingerprint is not None:
        idempotency.check_same_request(found.idempotency_fingerprint, fingerprint)
    return found


def message_fingerprint(*, body: str, photos: Sequence[ProcessedImage] = (), reply_to_id: int | None) -> str:
    """Return the ``idempotency.fingerprint`` of a send: the cleaned *body*, the reply and the SHA-256 of
    each re-encoded photo (Pillow's encoding of the same upload is the same bytes), in order."""
    digests = []
    for photo in photos:
        photo.image.seek(0)
        digests.append(hashlib.sha256(photo.image.read()).hexdigest())
        photo.image.seek(0)
    return idempotency.fingerprint(kind="text", body=body, reply_to=reply_to_id, photos=digests)


def message_create_locked(
    *,
    conversation: Conversation,
    sender: User,
    body: str,
    created_at: datetime | None,
    kind: str = Message.Kind.TEXT,
    offer: Offer | None = None,
    photo_count: int = 0,
    idempotency_key: str | None = None,
    idempotency_fingerprint: str = "",
    reply_to_id: int | None = None,
    notice: str = "",
    notice_params: dict | None = None,
    automatic: bool = False,
) -> Message:
    """Insert a message into *conversation*, which the caller has locked (``select_for_update``), and keep
    the denormalised state in step: the conversation's last message, the sender's read pointer, the
    other participant's unread count (+1, relative to the current value) and archive flag, both
    participants' ``last_message_at``, the sender's ``sent_count`` and, for the seller's first reply, the
    response-time sample (``first_reply_*``, ``response_time_refresh``). Replaces both participants' poll
    tokens on commit. Returns the message; *created_at* (aware datetime) is for importers;
    *idempotency_key* (with the request's *idempotency_fingerprint*) and *reply_to_id* (checked by the
    caller) are stored with it (see ``message_send``). A *notice* (a ``chat.notices`` code, with
    *notice_params*) is stored as such and its English text becomes the body. An *automatic* message
    (the away message, sent for the sender by the site) leaves the sender's read pointer and unread
    count alone: they have not read what it answers."""
    now = timezone.now()
    if notice:
        body = notice_text_in_english(notice, notice_params or {})
    sent_at = _sent_at(conversation=conversation, created_at=created_at or now)
    message = Message.objects.create(
        conversation=conversation,
        sender=sender,
        body=body,
        created_at=sent_at,
        kind=kind,
        offer=offer,
        photo_count=photo_count,
        idempotency_key=idempotency_key,
        idempotency_fingerprint=idempotency_fingerprint if idempotency_key else "",
        reply_to_id=reply_to_id,
        notice=notice,
        notice_params=notice_params or {},
    )
    written = kind != Message.Kind.SYSTEM
    first_reply = written and sender.pk == conversation.seller_id and conversation.first_reply_at is None
    _conversation_advance(conversation=conversation, message=message, first_reply=first_reply, now=now)
    _participants_advance(
        conversation=conversation,
        message=message,
        written=written,
        first_reply=first_reply,
        now=now,
        automatic=automatic,
    )
    delivery.announce(conversations=[(conversation.public_id, conversation.buyer_id, conversation.seller_id)])
    return message


def _sent_at(*, conversation: Conversation, created_at: datetime) -> datetime:
    """Return the time a message created at *created_at* is stored with in *conversation* (locked)."""
    # Clocks of several app servers may disagree slightly; never let a message sort before its predecessor.
    if conversation.last_message_id is not None and created_at < conversation.last_message_at:
        return conversation.last_message_at
    return created_at


def _conversation_advance(
    *, conversation: Conversation, message: Message, first_reply: bool, now: datetime
) -> None:
    """Make *message* the locked *conversation*'s last one; on the seller's *first_reply*, also record the
    response-time sample (none when the seller wrote the first message)."""
    sent_at = message.created_at
    fields = ["last_message", "last_message_at", "updated_at"]
    if first_reply:
        fields += ["first_reply_at", "first_reply_delay_s"]
        conversation.first_reply_at = sent_at
        conversation.first_reply_delay_s = (
            None
            if conversation.last_message_id is None
            else max(0, int((sent_at - conversation.created_at).total_seconds()))
        )
    conversation.last_message = message
    conversation.last_message_at = sent_at
    conversation.updated_at = now
    conversation.save(update_fields=fields)


def _participants_advance(
    *,
    conversation: Conversation,
    message: Message,
    written: bool,
    first_reply: bool,
    now: datetime,
    automatic: bool = False,
) -> None:
    """Move both participants' rows past *message*: the sender has read everything up to their own message
    (and, for a *written* one, sent one more); the other participant has one more unread message, and a
    conversation they had archived comes back to their main list. Refreshes the seller's response time
    after their *first_reply* when it gave a sample (``_conversation_advance``). An *automatic* message
    moves only the sender's ``last_message_at``."""
    sender_id, sent_at = message.sender_id, message.created_at

    def sender_else(field: str, for_sender, for_other) -> Case:
        output = ConversationParticipant._meta.get_field(field)
        return Case(When(user_id=sender_id, then=for_sender), default=for_other, output_field=output)

    # Both rows in one statement (a send's hottest path: one round trip fewer).
    ConversationParticipant.objects.filter(conversation=conversation).update(
        last_read_message=(
            F("last_read_message")
            if automatic
            else sender_else("last_read_message", Value(message.pk), F("last_read_message"))
        ),
        unread_count=sender_else(
            "unread_count", F("unread_count") if automatic else Value(0), F("unread_count") + 1
        ),
        sent_count=sender_else("sent_count", F("sent_count") + int(written), F("sent_count")),
        archived_at=sender_else("archived_at", F("archived_at"), Value(None)),
        last_message_at=sent_at,
        updated_at=now,
    )
    if first_reply and conversation.first_reply_delay_s is not None:
        response_time_refresh(user_id=sender_id)


def message_send(
    *,
    conversation: Conversation,
    sender: User,
    body: str,
    photos: Sequence[ProcessedImage] = (),
    created_at: datetime | None = None,
    idempotency_key: str | None = None,
    reply_to_id: int | None = None,
) -> Message:
    """Append a message from *sender* to *conversation* and return it.

    Participants may keep writing after the ad is sold or removed. A participant who had deleted the
    conversation gets it back in their list with this message (only later messages are shown to them).
    *created_at* (aware datetime) is for importers replaying history; the site leaves it None.

    *photos* (up to MARKETPLACE_PHOTOS_PER_MESSAGE, already verified by ``process_uploaded_image``) are
    stored with it; with photos the body may be empty.

    *idempotency_key* (``marketplace.idempotency``) makes the send exactly-once: when *sender* already sent
    a message with this key here, that message is returned and nothing is written (under the conversation
    lock, so two identical requests at once also store one message; the (sender, key) unique constraint
    backs it). The same key with a different body, reply or photos raises ValidationError
    (``idempotency_key_mismatch``) instead: the second request was not stored, and must not look as if
    it had been.

    *reply_to_id* makes it a reply to that message of the conversation (a text message or an offer, also
    one deleted meanwhile: its quote then says so).

    Raises PermissionDenied if *sender* is not a participant, ValidationError for an unconfirmed email
    address (``email_unverified``), a bad body, too many photos (``too_many_photos``), a reply to a
    message not in this conversation (``reply_unknown``), a block between the two (codes ``blocked``,
    ``blocked_by_you``), a suspended recipient (``recipient_suspended``), a key used in another
    conversation (``idempotency_key_reused``) or for another request (``idempotency_key_mismatch``). Locks
    the conversation row for the duration of the insert.
    """
    body = _message_input_clean(sender=sender, body=body, photos=photos)
    fingerprint = message_fingerprint(body=body, photos=photos, reply_to_id=reply_to_id)
    request = {"sender": sender, "idempotency_key": idempotency_key, "fingerprint": fingerprint}
    return idempotency.create_once(
        lambda: _message_send_locked(
            conversation_id=conversation.pk,
            body=body,
            photos=photos,
            created_at=created_at,
            reply_to_id=reply_to_id,
            **request,
        ),
        lambda: message_repeat_of(conversation_id=conversation.pk, **request),
        check_first=False,  # _message_send_locked looks for it under the conversation lock
    )


@transaction.atomic
def _message_send_locked(
    *,
    conversation_id: int,
    sender: User,
    body: str,
    photos: Sequence[ProcessedImage],
    created_at: datetime | None,
    reply_to_id: int | None,
    idempotency_key: str | None,
    fingerprint: str,
) -> Message:
    """``message_send`` under the conversation lock: return the message this request already sent, or
    refuse it, or insert it with its photos."""
    locked = Conversation.objects.select_for_update().get(pk=conversation_id)
    if sender.pk not in (locked.buyer_id, locked.seller_id):
        raise PermissionDenied("Only participants can write in a conversation.")
    repeat = message_repeat_of(
        sender=sender, idempotency_key=idempotency_key, conversation_id=locked.pk, fingerprint=fingerprint
    )
    if repeat is not None:
        return repeat
    _refuse_locked(conversation=locked, sender=sender, reply_to_id=reply_to_id)
    message = message_create_locked(
        conversation=locked,
        sender=sender,
        body=body,
        created_at=created_at,
        photo_count=len(photos),
        idempotency_key=idempotency_key,
        idempotency_fingerprint=fingerprint,
        reply_to_id=reply_to_id,
    )
    message_photos_store(message=message, photos=photos)
    away_reply_locked(conversation=locked, message=message)
    return message


def _message_input_clean(*, sender: User, body: str, photos: Sequence[ProcessedImage]) -> str:
    """Return *body* cleaned (``message_body_clean``; empty allowed with photos) once *sender* may write
    at all and *photos* are within MARKETPLACE_PHOTOS_PER_MESSAGE; raises ``message_send``'s
    ValidationErrors ``email_unverified``, body errors and ``too_many_photos``. No query."""
    refuse_if_unverified(sender=sender)
    body = message_body_clean(body, allow_empty=bool(photos))
    if len(photos) > settings.MARKETPLACE_PHOTOS_PER_MESSAGE:
        raise ValidationError(
            ERROR_MESSAGES["too_many_photos"],
            code="too_many_photos",
            params={"limit": settings.MARKETPLACE_PHOTOS_PER_MESSAGE},
        )
    return body


def _refuse_locked(*, conversation: Conversation, sender: User, reply_to_id: int | None) -> None:
    """Raise ``message_send``'s ValidationError when the locked *conversation* does not take *sender*'s
    message now: a block between the two, a suspended recipient, or a *reply_to_id* that is not one of
    its text messages or offers (``reply_unknown``)."""
    refuse_if_unreachable(sender=sender, recipient_id=conversation.other_user_id(sender.pk))
    if (
        reply_to_id is not None
        and not Message.objects.filter(pk=reply_to_id, conversation=conversation)
        .exclude(kind=Message.Kind.SYSTEM)
        .exists()
    ):
        raise ValidationError(ERROR_MESSAGES["reply_unknown"], code="reply_unknown")
