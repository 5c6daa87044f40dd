"""Writes to chat state, one module per topic. Views, admin actions, management commands and tests all go
through these functions; nothing else mutates chat state.

The names below are the public surface (``from chat import services; services.message_send(...)``).
"""

from chat.errors import ERROR_MESSAGES
from chat.services.conversations import (
    conversation_first_message_held,
    conversation_hide,
    conversation_set_archived,
    conversation_set_muted,
    conversation_start,
    conversation_start_check,
    conversations_sync_ad_details,
    start_fingerprint,
)
from chat.services.deals import conversations_sync_ad_status, offer_mark_sold, offer_reserve
from chat.services.edits import (
    edit_window_ends,
    message_delete,
    message_edit,
    message_edit_check,
    messages_mark_changed_locked,
)
from chat.services.messages import message_body_clean, message_send
from chat.services.offers import (
    offer_accept,
    offer_amount_clean,
    offer_decline,
    offer_fingerprint,
    offer_make,
    offer_set_status_locked,
    offer_withdraw,
    offers_expire_due,
)
from chat.services.organise import (
    conversation_set_labels,
    conversation_set_pinned,
    label_create,
    label_delete,
    label_name_clean,
)
from chat.services.photos import message_photos_store
from chat.services.reactions import message_react
from chat.services.read_state import (
    conversation_mark_delivered,
    conversation_mark_read,
    conversation_mark_read_if_behind,
    conversation_mark_unread,
    conversations_mark_delivered,
)
from chat.services.replies import (
    away_reply_locked,
    away_settings_update,
    quick_replies_set,
    quick_reply_add,
    quick_reply_change,
)
from chat.services.reputation import (
    response_time_refresh,
    review_closes_at,
    review_create,
    review_editable_until,
    review_opens_at,
    review_refusal,
    review_refusal_error,
    review_update,
)

__all__ = [
    "away_reply_locked",
    "away_settings_update",
    "quick_replies_set",
    "quick_reply_add",
    "quick_reply_change",
    "ERROR_MESSAGES",
    "conversation_first_message_held",
    "conversation_hide",
    "conversation_mark_delivered",
    "conversation_mark_read",
    "conversation_mark_read_if_behind",
    "conversation_mark_unread",
    "conversation_set_archived",
    "conversation_set_labels",
    "conversation_set_muted",
    "conversation_set_pinned",
    "conversation_start",
    "conversation_start_check",
    "conversations_mark_delivered",
    "conversations_sync_ad_details",
    "conversations_sync_ad_status",
    "edit_window_ends",
    "label_create",
    "label_delete",
    "label_name_clean",
    "message_body_clean",
    "message_delete",
    "message_edit",
    "message_edit_check",
    "message_photos_store",
    "message_react",
    "message_send",
    "messages_mark_changed_locked",
    "offer_accept",
    "offer_amount_clean",
    "offer_decline",
    "offer_fingerprint",
    "offer_make",
    "offer_mark_sold",
    "offer_reserve",
    "offer_set_status_locked",
    "offer_withdraw",
    "offers_expire_due",
    "response_time_refresh",
    "review_closes_at",
    "review_create",
    "review_editable_until",
    "review_opens_at",
    "review_refusal",
    "review_refusal_error",
    "review_update",
    "start_fingerprint",
]
