"""Reads of the notification centre: the owner's list (keyset-paged), one notification, the unread count
(cached) and the per-kind settings."""

from __future__ import annotations

from django.core.cache import cache
from django.http import Http404

from accounts.models import User
from notifications import kinds, live
from notifications.models import Notification, NotificationSetting

PAGE_SIZE = 20


def notification_page(
    *, user: User, before: int | None = None, limit: int = PAGE_SIZE
) -> tuple[list, int | None]:
    """Return *user*'s notifications shown in the centre, newest first, older than id *before* (None: the
    newest), at most *limit*; and the cursor of the next page (None on the last). One query."""
    rows = Notification.objects.filter(user=user, in_centre=True)
    if before is not None:
        rows = rows.filter(pk__lt=before)
    page = list(rows.order_by("-pk")[: limit + 1])
    more = len(page) > limit
    page = page[:limit]
    return page, (page[-1].pk if more else None)


def notification_get_for_owner(*, user: User, public_id: str) -> Notification:
    """Return *user*'s notification *public_id*; Http404 for anyone else's or an unknown one."""
    found = Notification.objects.filter(user=user, public_id=public_id).first()
    if found is None:
        raise Http404
    return found


def unread_count(*, user_id: int) -> int:
    """The bell's count: *user_id*'s unread notifications shown in the centre. Served from the cache; a
    miss costs one indexed count (``notification_unread_idx``) and fills it for ``live.COUNT_TTL_S``."""
    key = live.count_key(user_id)
    count = cache.get(key)
    if count is None:
        count = Notification.objects.filter(user_id=user_id, read_at__isnull=True, in_centre=True).count()
        cache.set(key, count, live.COUNT_TTL_S)
    return count


def settings_for_user(*, user: User) -> list[dict]:
    """Every kind with *user*'s channels: ``[{"kind", "label", "centre", "email", "push"}]`` in
    ``kinds.KINDS`` order, defaults where nothing is stored; email off for every kind after the emails'
    one-click unsubscribe (``User.email_notifications``). One query."""
    stored = {row.kind: row for row in NotificationSetting.objects.filter(user=user)}
    out = []
    for kind, entry in kinds.KINDS.items():
        row = stored.get(kind)
        centre, email, push = (
            (row.centre, row.email, row.push) if row else (entry.centre, entry.email, entry.push)
        )
        email = email and user.email_notifications
        out.append({"kind": kind, "label": entry.label, "centre": centre, "email": email, "push": push})
    return out
