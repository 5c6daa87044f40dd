"""Signals ads sends so that higher layers (chat) can react without ads importing them."""

from django.dispatch import Signal

# An ad's status or buyer changed (reserved, sold, back on sale, removed). Sent inside the transaction that
# saved it (the ad row locked), so receivers that write (conversation snapshots, notices) commit or roll
# back with it. kwargs: ``ad`` (Ad, saved), ``previous_status`` (str), ``previous_buyer_id`` (int | None).
# A notification: the sender reads no receiver's answer. Chat's deal service, which changes the status and
# tells the conversations itself, does not send it (``announce=False``).
ad_status_changed = Signal()

# An ad's title or price changed (the owner edited it). Sent inside the transaction that saved it (the ad row
# locked), like ``ad_status_changed``. kwargs: ``ad`` (Ad, saved), ``previous_title`` (str),
# ``previous_price`` (Decimal | None).
ad_details_changed = Signal()
