"""Signals ads sends so that higher layers (chat) can react without ads importing them."""

from django.dispatch import Signal

# An ad's status changed (sold, back on sale, removed). Sent inside the transaction that saved it, so
# receivers that write (conversation snapshots) commit or roll back with it. kwargs: ``ad`` (Ad).
ad_status_changed = Signal()
