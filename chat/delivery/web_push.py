"""Web Push about new messages, for users with no open page: one push per conversation burst.

A participant row gets a push when the conversation has a message from the other person they have not
read, the conversation is not muted, they have at least one push subscription (a device that opted in)
or a signed-in app registered for native push (``chat.delivery.app_push``, FCM),
no page of theirs has polled for MARKETPLACE_WEBPUSH_AFTER_S seconds (``accounts.middleware``: a visible
chat page polls every 30 s, so an open page means they will see it there), and no push for this
conversation is still unread (``pushed_up_to_message_id`` at or below their read pointer): a burst of ten
messages is one notification, and the next comes after they have read it. The unread-messages email
(``chat.delivery.email``) still follows later for what stays unread.

The notification names the sender and the ad and links to the conversation; it carries the message text
only for a plain text message with no scam signal (``chat.safety``): never the text of a flagged,
deleted or removed message. Subscriptions the push service answers 404/410 for are deleted, and so are
those ``marketplace.web_push`` refuses to connect to (an endpoint off the allowed push services, or one
resolving to a loopback, private or link-local address). Safe to run
in several processes at once: rows are locked with SKIP LOCKED and re-checked under the lock.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce
from django.utils import translation
from django.utils.translation import gettext

from accounts import services as account_services
from accounts.middleware import users_with_open_pages
from accounts.models import AppPushDevice, PushSubscription
from chat.delivery import app_push
from chat.models import ConversationParticipant, Message
from chat.safety import safety_notes
from marketplace import web_push as web_push_transport

logger = logging.getLogger(__name__)

# Characters of message text in a notification (lock screens show two lines or so).
TEXT_PREVIEW_CHARS = 120


def _due() -> Q:
    """Participant rows a push is due for (see the module docstring), without the open-page check."""
    read_up_to = Coalesce(F("last_read_message_id"), 0)
    return (
        Q(unread_count__gt=0, muted_at__isnull=True, user__is_active=True)
        & (
            Q(Exists(PushSubscription.objects.filter(user_id=OuterRef("user_id"))))
            | Q(Exists(AppPushDevice.objects.filter(user_id=OuterRef("user_id"))))
        )
        & Q(conversation__last_message_id__gt=read_up_to)
        & (Q(pushed_up_to_message_id__isnull=True) | Q(pushed_up_to_message_id__lte=read_up_to))
    )


def payload_for(row: ConversationParticipant) -> dict:
    """Return the notification for participant *row* (with its conversation, both users and the last
    message loaded): ``title`` (the sender's name), ``body`` (the ad title, and the text when it may be
    shown), ``url`` (absolute) and ``tag`` (one notification per conversation on the device); in the
    recipient's language (``User.language``, else the site's)."""
    conversation = row.conversation
    sender, recipient = (
        (conversation.seller, conversation.buyer)
        if row.user_id == conversation.buyer_id
        else (conversation.buyer, conversation.seller)
    )
    with translation.override(recipient.language or settings.LANGUAGE_CODE):
        return _payload(row, sender)


def _payload(row: ConversationParticipant, sender) -> dict:
    conversation = row.conversation
    last = conversation.last_message
    preview = ""
    if last is not None and last.sender_id != row.user_id and not last.is_withdrawn:
        if last.kind == Message.Kind.OFFER:
            preview = gettext("Made an offer")
        elif last.body and not safety_notes(last.body):
            preview = (
                last.body
                if len(last.body) <= TEXT_PREVIEW_CHARS
                else last.body[: TEXT_PREVIEW_CHARS - 1] + "…"
            )
        elif last.photo_count and not last.body:
            preview = gettext("Sent a photo")
    elif last is not None and last.kind == Message.Kind.SYSTEM:
        preview = last.text
    body = (
        f"{conversation.ad_title}: {preview}"
        if preview
        else gettext("New message about “%(title)s”") % {"title": conversation.ad_title}
    )
    return {
        "title": sender.display_name,
        "body": body,
        "url": settings.MARKETPLACE_SITE_URL.rstrip("/") + conversation.get_absolute_url(),
        "tag": f"conversation-{conversation.public_id}",
    }


def push_row(*, row_id: int) -> int:
    """Send the push due for participant row *row_id* to each of its user's devices, if it is still due
    and no other process holds the row; return how many devices accepted it.

    The row is marked pushed (up to the conversation's last message) and committed before anything is
    sent, so no lock is held while push services answer and a crash between the two loses one
    notification rather than repeating it; the unread email still covers the messages."""
    with transaction.atomic():
        row = (
            ConversationParticipant.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(_due(), pk=row_id)
            .select_related("conversation__buyer", "conversation__seller", "conversation__last_message")
            .first()
        )
        if row is None:
            return 0
        payload = payload_for(row)
        ConversationParticipant.objects.filter(pk=row.pk).update(
            pushed_up_to_message_id=row.conversation.last_message_id
        )
    accepted = account_services.push_to_user(user_id=row.user_id, payload=payload)
    return accepted + app_push.send_to_apps(user_id=row.user_id, payload=payload)


def push_unread(*, limit: int = 500) -> int:
    """Run one pass: push to every participant row due (at most *limit*), skipping users with an open
    page; return how many devices accepted a notification (browsers and apps, ``chat.delivery.app_push``).
    Does nothing without VAPID keys or an FCM service account."""
    if not (web_push_transport.configured() or app_push.configured()):
        return 0
    due = list(
        ConversationParticipant.objects.filter(_due())
        .order_by("last_message_at")
        .values_list("pk", "user_id")[:limit]
    )
    present = users_with_open_pages(sorted({user_id for _pk, user_id in due}))
    accepted = 0
    for row_id, user_id in due:
        if user_id in present:
            continue
        try:
            accepted += push_row(row_id=row_id)
        except Exception:  # noqa: BLE001 - one failing device must not stop the others
            logger.exception("web push for participant row %s failed; retrying next pass", row_id)
    return accepted
