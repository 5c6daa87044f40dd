"""Alerts to the people who saved an ad: its price dropped, it was reserved, sold, removed or is back on sale.

The ad's service queues a ``FavouriteAlert`` in its own transaction (``favourite_alert_queue``); the
notifier (``manage.py notify_unread``) sends the queued ones with ``favourite_alerts_send``, BATCH_SIZE
favourites per transaction (one keyset read of ``Favourite`` on its ad index, one ``notifications.notify``
of three queries), so the fan-out never runs in the seller's request and a pass does bounded work.
Each alert's notifications carry the dedupe key ``favourite-alert:<id>``: a batch retried after a crash
tells nobody twice.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from ads.models import Ad, Favourite, FavouriteAlert
from notifications import services as notifications

logger = logging.getLogger(__name__)

BATCH_SIZE = 500
STATUS_KINDS = {
    Ad.Status.RESERVED: "favourite_reserved",
    Ad.Status.SOLD: "favourite_sold",
    Ad.Status.REMOVED: "favourite_removed",
}
BACK_ON_SALE_KIND = "favourite_back_on_sale"


def status_alert_kind(*, previous: str, status: str) -> str | None:
    """Return the alert kind (a ``notifications.kinds`` key) for an ad going from status *previous* to
    *status*, or None when the people who saved it need not hear of it (no change; a new ad going live)."""
    if status == previous:
        return None
    if status == Ad.Status.ACTIVE:
        # A released reservation or a sale that fell through: the chance a saver was waiting for.
        return BACK_ON_SALE_KIND if previous in (Ad.Status.RESERVED, Ad.Status.SOLD) else None
    return STATUS_KINDS.get(status)


def favourite_alert_queue(*, ad: Ad, kind: str, params: dict, exclude_user_id: int | None = None) -> None:
    """Queue an alert of *kind* (a ``notifications.kinds`` key) about *ad* for everyone who saved it
    (but *exclude_user_id*), with *params* plus the ad's title. Call inside the transaction that changed
    the ad; nothing is queued when nobody saved it (one query)."""
    if not Favourite.objects.filter(ad=ad).exclude(user_id=exclude_user_id or 0).exists():
        return
    url = reverse("ads:favourites") if ad.status == Ad.Status.REMOVED else ad.get_absolute_url()
    FavouriteAlert.objects.create(
        ad=ad, kind=kind, params={"title": ad.title, **params}, url=url, exclude_user_id=exclude_user_id
    )


def _send_batch(alert_id: int) -> bool:
    """Tell the next BATCH_SIZE favourites of alert *alert_id*; return True when it has more to send.
    The alert row is locked (SKIP LOCKED: another notifier process takes another alert)."""
    with transaction.atomic():
        alert = (
            FavouriteAlert.objects.select_for_update(skip_locked=True)
            .filter(pk=alert_id, finished_at__isnull=True)
            .first()
        )
        if alert is None:
            return False
        rows = list(
            Favourite.objects.filter(
                ad_id=alert.ad_id, pk__gt=alert.done_up_to_favourite_id, created_at__lte=alert.created_at
            )
            .order_by("pk")
            .values_list("pk", "user_id")[:BATCH_SIZE]
        )
        user_ids = [user_id for _pk, user_id in rows if user_id != alert.exclude_user_id]
        notifications.notify(
            user_ids, alert.kind, params=alert.params, url=alert.url, dedupe_key=f"favourite-alert:{alert.pk}"
        )
        more = len(rows) == BATCH_SIZE
        alert.done_up_to_favourite_id = rows[-1][0] if rows else alert.done_up_to_favourite_id
        alert.finished_at = None if more else timezone.now()
        alert.save(update_fields=["done_up_to_favourite_id", "finished_at"])
    return more


def favourite_alerts_send(*, max_batches: int = 40) -> int:
    """Run one pass over the queued alerts, oldest first, at most *max_batches* batches in all (the rest
    waits for the next pass); return how many batches ran. One failing alert is logged and retried next
    pass; the others go on."""
    batches = 0
    for alert_id in (
        FavouriteAlert.objects.filter(finished_at__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)[:max_batches]
    ):
        try:
            while batches < max_batches:
                batches += 1
                if not _send_batch(alert_id):
                    break
        except Exception:  # noqa: BLE001 - one alert must not stop the others
            logger.exception("favourite alert %s failed; retrying next pass", alert_id)
        if batches >= max_batches:
            break
    return batches
