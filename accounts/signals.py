"""Signals accounts sends so that higher layers (chat) can react without accounts importing them.

Each is sent inside the service's transaction; receivers that touch caches defer that to
``transaction.on_commit`` themselves.
"""

from django.dispatch import Signal

# A user's name, avatar or privacy settings changed. kwargs: ``user_id`` (int).
user_profile_changed = Signal()
# A block between two users was made or lifted. kwargs: ``blocker_id``, ``blocked_id`` (ints).
user_block_changed = Signal()
