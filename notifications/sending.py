"""The notifier's passes for the centre (run by ``manage.py notify_unread``): Web Push and email for the
notifications whose kind the user wants on those channels (``Notification.push_due``/``email_due``, set
by ``notify`` from their settings).

- Web Push: one push per notification to each subscribed device, unless a page of theirs is open (they
  see it on the bell at once): then nothing is pushed. ``push_due`` is cleared and committed before
  sending, so a crash loses a push rather than repeating it. Without VAPID keys the due flags are simply
  cleared (nothing to send with).
- Email: one email per user listing what is still unread, once they have been away
  MARKETPLACE_NOTIFY_AFTER_S (the chat's unread-email rule); read ones are dropped silently. Each email
  carries a one-click unsubscribe (RFC 8058) that turns email off for every kind.
Safe in several processes: rows are taken with SKIP LOCKED.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext

from accounts.middleware import users_with_open_pages
from accounts.models import PushSubscription, User
from marketplace import passes, unsubscribe
from marketplace import web_push as web_push_transport
from notifications.models import Notification
from notifications.services import email_unsubscribe_token

logger = logging.getLogger(__name__)


def _absolute(path: str) -> str:
    return settings.MARKETPLACE_SITE_URL.rstrip("/") + path


def _take(flag: str, *, limit: int, exclude_users: set[int] = frozenset()) -> list[Notification]:
    """Lock up to *limit* rows with *flag* set (SKIP LOCKED), clear it and return them with their users."""
    with transaction.atomic():
        rows = list(
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(**{flag: True})
            .select_related("user")
            .order_by("pk")[:limit]
        )
        Notification.objects.filter(pk__in=[row.pk for row in rows]).update(**{flag: False})
    return [row for row in rows if row.user_id not in exclude_users]


def push_due_send(*, limit: int = 500) -> int:
    """Send the due Web Push notifications (at most *limit* rows a pass); return how many devices took
    one. Users with an open page and rows already read are skipped (their flag cleared all the same)."""
    if not web_push_transport.configured():
        _take("push_due", limit=limit)
        return 0
    due_users = list(Notification.objects.filter(push_due=True).values_list("user_id", flat=True)[:limit])
    rows = _take("push_due", limit=limit, exclude_users=users_with_open_pages(sorted(set(due_users))))
    rows = [row for row in rows if row.read_at is None and row.user.is_active]
    devices: dict[int, list[PushSubscription]] = {}
    for subscription in PushSubscription.objects.filter(user_id__in={row.user_id for row in rows}):
        devices.setdefault(subscription.user_id, []).append(subscription)
    accepted = 0
    for row in rows:
        with translation.override(row.user.language or settings.LANGUAGE_CODE):
            payload = {
                "title": translation.gettext("Marketplace"),
                "body": row.text,
                "url": _absolute(row.url),
            }
        payload["tag"] = f"notification-{row.public_id}"
        for subscription in devices.get(row.user_id, []):
            status = web_push_transport.send(
                endpoint=subscription.endpoint,
                p256dh=subscription.p256dh,
                auth=subscription.auth,
                payload=payload,
            )
            if status in web_push_transport.GONE or status == web_push_transport.REFUSED:
                PushSubscription.objects.filter(pk=subscription.pk).delete()
            accepted += 200 <= status < 300
    return accepted


def _away_users(now) -> Q:
    away_since = now - timedelta(seconds=settings.MARKETPLACE_NOTIFY_AFTER_S)
    return (
        Q(user__is_active=True, user__last_login__isnull=False)
        & ~Q(user__password__startswith=UNUSABLE_PASSWORD_PREFIX)
        & (Q(user__last_seen_at__isnull=True) | Q(user__last_seen_at__lt=away_since))
    )


def email_for_user(*, user_id: int, now=None) -> bool:
    """Email user *user_id* their notifications due by email that are still unread; return True if sent.
    Holds the user's row lock (SKIP LOCKED: False when another process has it); the flags are cleared in
    the same transaction, so a failed send is retried next pass."""
    with transaction.atomic():
        user = User.objects.select_for_update(skip_locked=True).filter(pk=user_id).first()
        if user is None:
            return False
        rows = list(Notification.objects.filter(user_id=user_id, email_due=True).order_by("-pk"))
        Notification.objects.filter(pk__in=[row.pk for row in rows]).update(email_due=False)
        unread = [row for row in rows if row.read_at is None]
        # notify() makes nothing due after the unsubscribe (channels_for); this covers a notify that ran
        # beside the click and committed after it.
        if not unread or not user.email_notifications:
            return False
        token = email_unsubscribe_token(user.pk)
        unsubscribe_url = _absolute(reverse("notifications:unsubscribe", args=[token]))
        with translation.override(user.language or settings.LANGUAGE_CODE):
            context = {
                "user": user,
                "items": [{"text": row.text, "url": _absolute(row.url)} for row in unread],
                "centre_url": _absolute(reverse("notifications:centre")),
                "settings_url": _absolute(reverse("notifications:settings")),
                "unsubscribe_url": unsubscribe_url,
            }
            subject = ngettext("%(count)s new notification", "%(count)s new notifications", len(unread)) % {
                "count": len(unread)
            }
            body = render_to_string("notifications/email.txt", context)
        headers = unsubscribe.email_headers(unsubscribe_url)
        EmailMessage(subject, body, to=[user.email], headers=headers).send()
    return True


def email_due_send(*, now=None, limit: int = 200) -> int:
    """Email every away user with notifications due by email (at most *limit* users a pass); return how
    many emails went. One user's failure is logged and retried next pass."""
    now = now or timezone.now()
    user_ids = list(
        Notification.objects.filter(_away_users(now), email_due=True)
        .values_list("user_id", flat=True)
        .distinct()
        .order_by("user_id")[:limit]
    )
    return passes.each_user(
        user_ids,
        lambda user_id: email_for_user(user_id=user_id, now=now),
        what="notifications email",
        logger=logger,
    )
