"""Email about unread messages: one email per user per batch, only while they are away from the site.

A user gets an email when they have unread messages that no email covered yet, they opted in
(``User.email_unread_messages``, on by default) and they have not been seen on the site for
MARKETPLACE_NOTIFY_AFTER_S seconds (default 600). The email lists every such conversation; each
participant row then remembers the newest message it covered (``notified_up_to_message_id``), so the next
email is sent only when something newer arrives. Nothing is sent if they read the messages meanwhile.

Safe to run in several processes at once: each user is handled in its own transaction holding the
user's row lock taken with ``SKIP LOCKED`` (another process skips that user), and the candidates are
re-read under the lock, so a user is never emailed twice for the same messages. If sending fails, the
transaction rolls back and the next pass retries.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Min, Q
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext, pgettext

from accounts.models import User
from accounts.tokens import unsubscribe_token
from chat.models import ConversationParticipant
from marketplace import unsubscribe

logger = logging.getLogger(__name__)


def _pending(now) -> Q:
    """Participant rows worth an email: unread, not yet covered, owner opted in and away, and a person who
    has used the site (logged in at least once, with a usable password): imported or placeholder accounts
    are never mailed."""
    away_since = now - timedelta(seconds=settings.MARKETPLACE_NOTIFY_AFTER_S)
    return (
        Q(unread_count__gt=0, user__is_active=True, user__email_unread_messages=True)
        & Q(user__last_login__isnull=False)
        & ~Q(user__password__startswith=UNUSABLE_PASSWORD_PREFIX)
        & Q(conversation__last_message_id__gt=Coalesce(F("notified_up_to_message_id"), 0))
        & (Q(user__last_seen_at__isnull=True) | Q(user__last_seen_at__lt=away_since))
    )


def _absolute(path: str) -> str:
    return settings.MARKETPLACE_SITE_URL.rstrip("/") + path


def _send(user: User, rows: list[ConversationParticipant]) -> None:
    # In the language the person chose on the site (User.language), else the site's.
    with translation.override(user.language or settings.LANGUAGE_CODE):
        _send_in_language(user, rows)


def _send_in_language(user: User, rows: list[ConversationParticipant]) -> None:
    unsubscribe_url = _absolute(reverse("accounts:unsubscribe", args=[unsubscribe_token(user.pk)]))
    conversations = [
        {
            "other_name": (
                row.conversation.seller
                if row.user_id == row.conversation.buyer_id
                else row.conversation.buyer
            ).display_name,
            "ad_title": row.conversation.ad_title,
            "unread": row.unread_count,
            "url": _absolute(row.conversation.get_absolute_url()),
        }
        for row in rows
    ]
    context = {
        "user": user,
        "conversations": conversations,
        "unsubscribe_url": unsubscribe_url,
        "chats_url": _absolute(reverse("chat:list")),
    }
    total = sum(item["unread"] for item in conversations)
    # Two plurals in one line: each part is its own ngettext (Russian has three forms, and "in N
    # conversations" takes the prepositional case there, hence the preposition inside the second).
    count = len(conversations)
    subject = pgettext("unread email subject", "%(messages)s %(in_conversations)s") % {
        "messages": ngettext("%(count)s unread message", "%(count)s unread messages", total)
        % {"count": total},
        "in_conversations": ngettext("in %(count)s conversation", "in %(count)s conversations", count)
        % {"count": count},
    }
    email = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("chat/email/unread.txt", context),
        to=[user.email],
        headers=unsubscribe.email_headers(unsubscribe_url),
    )
    email.attach_alternative(render_to_string("chat/email/unread.html", context), "text/html")
    email.send()


def notify_unread_for_user(*, user_id: int, now=None) -> bool:
    """Email user *user_id* about their pending unread conversations, if any; return True if sent.

    Takes the user's row lock with SKIP LOCKED (returns False if another process holds it), re-reads
    the pending rows under it, sends one email and marks the rows covered, all in one transaction.
    """
    now = now or timezone.now()
    with transaction.atomic():
        user = User.objects.select_for_update(skip_locked=True).filter(pk=user_id).first()
        if user is None:
            return False
        rows = list(
            ConversationParticipant.objects.filter(_pending(now), user_id=user_id)
            .select_related("conversation__buyer", "conversation__seller")
            .order_by("-last_message_at")
        )
        if not rows:
            return False
        _send(user, rows)
        for row in rows:
            ConversationParticipant.objects.filter(pk=row.pk).update(
                notified_up_to_message_id=row.conversation.last_message_id
            )
    return True


def notify_unread(*, now=None, limit: int = 500) -> int:
    """Run one pass: email every user with pending unread conversations (at most *limit* users per pass,
    longest-waiting first); return how many emails were sent. Errors for one user are logged and that
    user is retried on the next pass."""
    now = now or timezone.now()
    # Longest-waiting first: by the oldest latest message among each user's pending conversations.
    user_ids = list(
        ConversationParticipant.objects.filter(_pending(now))
        .values("user_id")
        .annotate(waiting_since=Min("last_message_at"))
        .order_by("waiting_since", "user_id")
        .values_list("user_id", flat=True)[:limit]
    )
    sent = 0
    for user_id in user_ids:
        try:
            sent += notify_unread_for_user(user_id=user_id, now=now)
        except Exception:  # noqa: BLE001 - one bad address must not stop everyone else's email
            logger.exception("unread-messages email to user %s failed; retrying next pass", user_id)
    return sent
