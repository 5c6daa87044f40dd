"""Writes to the notification centre: ``notify`` (the one entry point every app calls), marking read, and
the per-kind settings, and the notification emails' one-click unsubscribe.

After a commit that changed what a user's bell shows, their cached unread count is dropped and their open
pages get a ``notifications`` hint on their stream (``notifications.live``), the push hint the chat uses.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import FilteredRelation, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from marketplace import unsubscribe
from notifications import kinds, live, selectors
from notifications.models import Notification, NotificationSetting

ERROR_MESSAGES = {
    "unknown_kind": _("Unknown notification kind: %(kind)s."),
    "bad_url": _("A notification links to a path on this site."),
}


def channels_for(*, user_ids: list[int], kind: str) -> dict[int, tuple[bool, bool, bool]]:
    """Return ``{user_id: (centre, email, push)}`` for *kind*: each user's stored choice, else the kind's
    defaults; email off for a user who took the notification emails' one-click unsubscribe
    (``User.email_notifications``). One query."""
    entry = kinds.KINDS[kind]
    default = (entry.centre, entry.email, entry.push)
    rows = (
        User.objects.filter(pk__in=user_ids)
        .annotate(
            chosen=FilteredRelation("notification_settings", condition=Q(notification_settings__kind=kind))
        )
        .values_list("pk", "email_notifications", "chosen__centre", "chosen__email", "chosen__push")
    )
    found = {}
    for user_id, emails_on, *chosen in rows:
        centre, email, push = default if chosen[0] is None else chosen  # None: nothing stored for *kind*
        found[user_id] = (centre, email and emails_on, push)
    return {user_id: found.get(user_id, default) for user_id in user_ids}


def _ids(user_or_ids: User | int | Iterable[User | int]) -> list[int]:
    items = [user_or_ids] if isinstance(user_or_ids, (User, int)) else list(user_or_ids)
    return sorted({item.pk if isinstance(item, User) else int(item) for item in items})


def notify(
    user_or_ids: User | int | Iterable[User | int],
    kind: str,
    *,
    params: dict,
    url: str,
    dedupe_key: str | None = None,
) -> int:
    """Put a notification of *kind* in the centre of each recipient; return how many were stored.

    *user_or_ids*: a User, a user id, or an iterable of either (duplicates count once). *kind*: a key of
    ``notifications.kinds.KINDS`` (e.g. ``"favourite_price_drop"``, ``"saved_search_match"``). *params*:
    JSON-serialisable values the kind's sentence is built from when it is read, in the reader's language
    (names and titles as str, amounts as Decimal strings, ``count`` as int; see ``kinds``). *url*: the
    site path the item opens (``/ads/…``, must start with one "/"). *dedupe_key*: an event's identity
    (e.g. ``"price:<ad public id>:<price>"``); a recipient who already has a notification with that key
    gets nothing new (a unique constraint decides, so retries and races are safe). Users who turned the
    kind off on every channel are skipped; ``email_due``/``push_due`` follow their choice and the
    notifier (``manage.py notify_unread``) sends those later.

    Works inside or outside a transaction: the bell's cached count is dropped and the live hint is sent
    once it commits. Raises ValidationError ``unknown_kind`` or ``bad_url``. One query for the settings,
    one for existing dedupe keys (when given) and one insert, whatever the number of recipients.
    """
    if kind not in kinds.KINDS:
        raise ValidationError(ERROR_MESSAGES["unknown_kind"], code="unknown_kind", params={"kind": kind})
    if not url.startswith("/") or url.startswith("//") or len(url) > 500:
        raise ValidationError(ERROR_MESSAGES["bad_url"], code="bad_url")
    user_ids = _ids(user_or_ids)
    if not user_ids:
        return 0
    if dedupe_key is not None:
        had = set(
            Notification.objects.filter(user_id__in=user_ids, dedupe_key=dedupe_key).values_list(
                "user_id", flat=True
            )
        )
        user_ids = [user_id for user_id in user_ids if user_id not in had]
    rows = [
        Notification(
            user_id=user_id,
            kind=kind,
            params=params,
            url=url,
            dedupe_key=dedupe_key,
            in_centre=centre,
            email_due=email,
            push_due=push,
        )
        for user_id, (centre, email, push) in channels_for(user_ids=user_ids, kind=kind).items()
        if centre or email or push
    ]
    if not rows:
        return 0
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    live.changed(user_ids=[row.user_id for row in rows if row.in_centre])
    return len(rows)


def notification_mark_read(*, notification: Notification) -> Notification:
    """Mark *notification* (already fetched for its owner: ``selectors.notification_get_for_owner``) read
    now unless it was; return it as stored. Idempotent."""
    now = timezone.now()
    if Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now):
        notification.read_at = now
        live.changed(user_ids=[notification.user_id])
    return notification


def notifications_mark_all_read(*, user: User) -> int:
    """Mark every unread notification of *user* read; return how many changed (0 for a repeat)."""
    changed = Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())
    if changed:
        live.changed(user_ids=[user.pk])
    return changed


@transaction.atomic
def notification_settings_set(*, user: User, choices: dict[str, tuple[bool, bool, bool]]) -> None:
    """Store *user*'s channels per kind: *choices* maps a kind to ``(centre, email, push)`` booleans.
    Kinds left out keep their current choice. Raises ValidationError ``unknown_kind``. Applies to
    notifications made from now on. Email on for any kind ends a one-click unsubscribe
    (``User.email_notifications``): the person chose email again."""
    for kind, (centre, email, push) in choices.items():
        if kind not in kinds.KINDS:
            raise ValidationError(ERROR_MESSAGES["unknown_kind"], code="unknown_kind", params={"kind": kind})
        NotificationSetting.objects.update_or_create(
            user=user, kind=kind, defaults={"centre": bool(centre), "email": bool(email), "push": bool(push)}
        )
    if not user.email_notifications and any(email for _centre, email, _push in choices.values()):
        user.email_notifications = True
        user.save(update_fields=["email_notifications"])


EMAIL_UNSUBSCRIBE_SALT = "notifications.email-unsubscribe"


def email_unsubscribe_token(user_id: int) -> str:
    """Return the signed token of the one-click unsubscribe link in *user_id*'s notification emails (no
    expiry; ``marketplace.unsubscribe``)."""
    return unsubscribe.sign(user_id, salt=EMAIL_UNSUBSCRIBE_SALT)


def email_unsubscribe_user_id(token: str) -> int:
    """Return the user id signed into an ``email_unsubscribe_token``; raise Http404 when *token* is
    forged."""
    return unsubscribe.read_user_id(token, salt=EMAIL_UNSUBSCRIBE_SALT)


@transaction.atomic
def notification_emails_stop(*, user_id: int) -> bool:
    """Stop every notification email to user *user_id*, including kinds added later
    (``User.email_notifications`` off: ``sending.email_for_user`` sends nothing), show email off for every
    kind in their settings (the centre and Web Push keep their choice), and drop the emails already due, so
    none goes after the click; return False when no such user exists. What the one-click unsubscribe link
    of the notification emails does."""
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return False
    emailed = [row for row in selectors.settings_for_user(user=user) if row["email"]]
    notification_settings_set(
        user=user, choices={row["kind"]: (row["centre"], False, row["push"]) for row in emailed}
    )
    User.objects.filter(pk=user_id).update(email_notifications=False)
    Notification.objects.filter(user_id=user_id, email_due=True).update(email_due=False)
    return True
