"""Reputation: reviews of the other participant after a real conversation, and sellers' response time.

The review gate is Kleinanzeigen's rule ("Bewertungen sind nur nach einer Unterhaltung möglich, in der
beide Seiten geschrieben haben"): both sides wrote at least MARKETPLACE_REVIEW_MIN_MESSAGES messages and
MARKETPLACE_REVIEW_AFTER_S (24 h) passed since the first one; the figures are settings.
"""

from __future__ import annotations

import statistics
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from chat import delivery
from chat.errors import ERROR_MESSAGES
from chat.models import REVIEW_TEXT_MAX_LENGTH, Conversation, ConversationParticipant, ResponseTime, Review


def response_time_refresh(*, user_id: int) -> ResponseTime:
    """Recompute seller *user_id*'s response time: the median first-reply delay (seconds) over their
    conversations answered in the last MARKETPLACE_RESPONSE_TIME_WINDOW_S; return the stored row.

    One indexed read of those conversations' delays (``conversation_first_reply_idx``; a few hundred
    integers for a heavy seller) and one upsert. Called when the seller first replies in a conversation
    and by ``manage.py refresh_response_times``.
    """
    now = timezone.now()
    since = now - timedelta(seconds=settings.MARKETPLACE_RESPONSE_TIME_WINDOW_S)
    delays = list(
        Conversation.objects.filter(
            seller_id=user_id, first_reply_delay_s__isnull=False, first_reply_at__gte=since
        ).values_list("first_reply_delay_s", flat=True)
    )
    values = {
        "median_s": int(statistics.median(delays)) if delays else None,
        "sample_size": len(delays),
        "computed_at": now,
    }
    row, _ = ResponseTime.objects.update_or_create(user_id=user_id, defaults=values)
    return row


def review_refusal(*, conversation: Conversation, user: User, now: datetime | None = None) -> str | None:
    """Return the code of the reason *user* may not review the other participant of *conversation* now,
    or None when they may: ``review_not_participant``, ``review_too_few_messages``, ``review_too_early``,
    ``review_window_closed``. Reads both participants' ``sent_count`` (one query) unless the
    conversation already carries them (``my_sent_count``/``other_sent_count`` from
    ``Conversation.objects.get_for_participant``). Does not look for an existing review."""
    if user.pk not in (conversation.buyer_id, conversation.seller_id):
        return "review_not_participant"
    now = now or timezone.now()
    counts = (getattr(conversation, "my_sent_count", None), getattr(conversation, "other_sent_count", None))
    if None in counts:
        counts = tuple(
            ConversationParticipant.objects.filter(conversation=conversation).values_list(
                "sent_count", flat=True
            )
        )
    if len(counts) < 2 or min(counts) < settings.MARKETPLACE_REVIEW_MIN_MESSAGES:
        return "review_too_few_messages"
    if now < conversation.created_at + timedelta(seconds=settings.MARKETPLACE_REVIEW_AFTER_S):
        return "review_too_early"
    if now > review_closes_at(conversation):
        return "review_window_closed"
    return None


def review_refusal_error(code: str) -> ValidationError:
    """The ValidationError for a ``review_refusal`` *code*, its text filled in from the settings."""
    return ValidationError(
        ERROR_MESSAGES[code],
        code=code,
        params={
            "count": settings.MARKETPLACE_REVIEW_MIN_MESSAGES,
            "hours": settings.MARKETPLACE_REVIEW_AFTER_S // 3600,
            "days": settings.MARKETPLACE_REVIEW_WINDOW_S // 86400,
        },
    )


def review_opens_at(conversation: Conversation) -> datetime:
    """When the 24-hour part of the gate opens for *conversation* (pages cached before then expire)."""
    return conversation.created_at + timedelta(seconds=settings.MARKETPLACE_REVIEW_AFTER_S)


def review_closes_at(conversation: Conversation) -> datetime:
    """When the review window of *conversation* closes (MARKETPLACE_REVIEW_WINDOW_S after its last
    message, which a new message moves)."""
    return conversation.last_message_at + timedelta(seconds=settings.MARKETPLACE_REVIEW_WINDOW_S)


def review_editable_until(review: Review) -> datetime | None:
    """Until when the author may change *review*: MARKETPLACE_REVIEW_EDIT_S after writing it, and only while
    it is unpublished (once the other side's review is readable, changing one's own would be revenge).
    None when it can no longer be changed."""
    if review.published_at is not None:
        return None
    until = review.created_at + timedelta(seconds=settings.MARKETPLACE_REVIEW_EDIT_S)
    publish = review.created_at + timedelta(seconds=settings.MARKETPLACE_REVIEW_PUBLISH_AFTER_S)
    until = min(until, publish)
    return until if timezone.now() < until else None


def _clean_review(*, reliability, friendliness, text: str) -> tuple[int, int, str]:
    stars = []
    for value in (reliability, friendliness):
        try:
            number = int(value)
        except (TypeError, ValueError):
            number = 0
        if not 1 <= number <= 5:
            raise ValidationError(ERROR_MESSAGES["review_stars"], code="review_stars")
        stars.append(number)
    text = (text or "").replace("\r\n", "\n").strip()
    if len(text) > REVIEW_TEXT_MAX_LENGTH:
        raise ValidationError(
            ERROR_MESSAGES["review_too_long"],
            code="review_too_long",
            params={"limit": REVIEW_TEXT_MAX_LENGTH},
        )
    if "\x00" in text:
        raise ValidationError(ERROR_MESSAGES["null_character"], code="null_character")
    return stars[0], stars[1], text


def _bump(conversation: Conversation) -> None:
    # The conversation pane shows the review prompt; the profile pages read reviews directly.
    delivery.announce(conversations=[(conversation.public_id, conversation.buyer_id, conversation.seller_id)])


def review_create(
    *, conversation: Conversation, author: User, reliability, friendliness, text: str = ""
) -> Review:
    """Write *author*'s review of the other participant of *conversation*: *reliability* and *friendliness*
    1–5 stars (int or str), optional *text* (up to REVIEW_TEXT_MAX_LENGTH characters, stored as typed,
    trimmed). When the other side has already reviewed, both reviews are published now; otherwise this one
    waits (``Review.objects.published``).

    Raises PermissionDenied for a non-participant, ValidationError: the ``review_refusal`` codes,
    ``review_exists`` (one review per author and conversation, also under a race: unique constraint),
    ``review_stars``, ``review_too_long``, ``null_character``. Locks the conversation row.
    """
    reliability, friendliness, text = _clean_review(
        reliability=reliability, friendliness=friendliness, text=text
    )
    with transaction.atomic():
        locked = Conversation.objects.select_for_update().get(pk=conversation.pk)
        refusal = review_refusal(conversation=locked, user=author)
        if refusal == "review_not_participant":
            raise PermissionDenied("Only participants can review each other.")
        if refusal:
            raise review_refusal_error(refusal)
        if Review.objects.filter(conversation=locked, author=author).exists():
            raise ValidationError(ERROR_MESSAGES["review_exists"], code="review_exists")
        now = timezone.now()
        other_review = Review.objects.filter(conversation=locked).exclude(author=author).first()
        try:
            with transaction.atomic():
                review = Review.objects.create(
                    conversation=locked,
                    author=author,
                    subject_id=locked.other_user_id(author.pk),
                    author_role=Review.Role.SELLER if author.pk == locked.seller_id else Review.Role.BUYER,
                    reliability=reliability,
                    friendliness=friendliness,
                    text=text,
                    created_at=now,
                    updated_at=now,
                    published_at=now if other_review is not None else None,
                )
        except IntegrityError:
            raise ValidationError(ERROR_MESSAGES["review_exists"], code="review_exists") from None
        if other_review is not None and other_review.published_at is None:
            Review.objects.filter(pk=other_review.pk).update(published_at=now)
        _bump(locked)
    return review


@transaction.atomic
def review_update(*, review: Review, author: User, reliability, friendliness, text: str = "") -> Review:
    """Change *author*'s own *review* while ``review_editable_until`` allows; arguments as for
    ``review_create``. Raises PermissionDenied (someone else's review), ValidationError
    ``review_not_editable`` and the field codes. Locks the review row."""
    reliability, friendliness, text = _clean_review(
        reliability=reliability, friendliness=friendliness, text=text
    )
    locked = Review.objects.select_for_update().get(pk=review.pk)
    if locked.author_id != author.pk:
        raise PermissionDenied("Only the author can change a review.")
    if review_editable_until(locked) is None:
        raise ValidationError(ERROR_MESSAGES["review_not_editable"], code="review_not_editable")
    locked.reliability, locked.friendliness, locked.text = reliability, friendliness, text
    locked.updated_at = timezone.now()
    locked.save(update_fields=["reliability", "friendliness", "text", "updated_at"])
    _bump(locked.conversation)
    return locked
