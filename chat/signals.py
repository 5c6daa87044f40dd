"""Signals chat sends for rooms that plug into it without chat importing them (``chat.moderation``)."""

from django.dispatch import Signal

# Before the first message of a new conversation is delivered. kwargs: ``user`` (the buyer), ``ad``,
# ``body`` (cleaned text), ``idempotency_key`` (the form's key or None). A receiver that returns True
# has taken the message (held for review): it is not delivered. Sent outside any transaction.
first_message_screen = Signal()
