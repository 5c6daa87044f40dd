"""Review prompts: "How did it go with …?" in the notification centre, once per participant and
conversation, when the review gate opens (``chat.services.reputation.review_refusal`` says yes): both
sides wrote MARKETPLACE_REVIEW_MIN_MESSAGES messages, MARKETPLACE_REVIEW_AFTER_S passed since the
conversation started, and its review window is still open. Sent by the notifier (``manage.py
notify_unread``), not by a request, because the gate opens with time passing, not with a write.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, Value
from django.db.models.functions import Concat
from django.utils import timezone

from chat.models import ConversationParticipant, Review
from notifications import services as notification_services
from notifications.models import Notification

PROMPT_KEY = "review-prompt:"


def _due(now: datetime):
    """Participant rows whose prompt is due: the gate open, no review written, no prompt stored yet."""
    minimum = settings.MARKETPLACE_REVIEW_MIN_MESSAGES
    too_few = ConversationParticipant.objects.filter(
        conversation_id=OuterRef("conversation_id"), sent_count__lt=minimum
    )
    reviewed = Review.objects.filter(
        conversation_id=OuterRef("conversation_id"), author_id=OuterRef("user_id")
    )
    prompted = Notification.objects.filter(
        user_id=OuterRef("user_id"), dedupe_key=Concat(Value(PROMPT_KEY), OuterRef("conversation__public_id"))
    )
    return (
        ConversationParticipant.objects.filter(
            sent_count__gte=minimum,
            user__is_active=True,
            conversation__created_at__lte=now - timedelta(seconds=settings.MARKETPLACE_REVIEW_AFTER_S),
            conversation__last_message_at__gte=now - timedelta(seconds=settings.MARKETPLACE_REVIEW_WINDOW_S),
        )
        .exclude(Exists(too_few))
        .exclude(Exists(reviewed))
        .exclude(Exists(prompted))
    )


def review_prompts_send(*, now: datetime | None = None, limit: int = 200) -> int:
    """Put a review prompt in the centre of every participant it is due for (at most *limit* per pass,
    oldest conversations first); return how many were stored. One read, then ``notify`` (three queries)
    per prompt; the dedupe key ``review-prompt:<conversation public id>`` makes a repeat a no-op."""
    now = now or timezone.now()
    rows = list(
        _due(now)
        .select_related("conversation__buyer", "conversation__seller")
        .order_by("conversation__created_at", "pk")[:limit]
    )
    sent = 0
    for row in rows:
        conversation = row.conversation
        other = conversation.seller if row.user_id == conversation.buyer_id else conversation.buyer
        sent += notification_services.notify(
            row.user_id,
            "review_prompt",
            params={"name": other.display_name, "title": conversation.ad_title},
            url=conversation.get_absolute_url(),
            dedupe_key=PROMPT_KEY + conversation.public_id,
        )
    return sent
