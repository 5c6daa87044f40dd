"""Reads of chat state that carry permission or shape, one module per topic. Each returns a QuerySet or
plain data, or raises Http404. The names below are the public surface (``selectors.message_page(...)``)."""

from chat.selectors.conversations import (
    LIST_FILTERS,
    conversation_count_for_ad,
    conversation_exists,
    conversation_get_for_participant,
    conversation_list_for_user,
    conversation_query_for_participant,
    conversation_rows_for_user,
    unread_badge,
    unread_conversation_count,
)
from chat.selectors.messages import (
    message_created_at,
    message_get_reportable,
    message_list_after,
    message_list_newly_read,
    message_list_visible,
    message_page,
    message_photo_get,
    message_photo_get_for_viewer,
    message_photos_for,
    message_sent_with_key,
    offer_get_for_conversation,
)
from chat.selectors.search import (
    SEARCH_RESULTS_LIMIT,
    MessageDocument,
    conversation_search_for_user,
    message_search_for_user,
)

__all__ = [
    "LIST_FILTERS",
    "SEARCH_RESULTS_LIMIT",
    "MessageDocument",
    "conversation_count_for_ad",
    "conversation_exists",
    "conversation_get_for_participant",
    "conversation_list_for_user",
    "conversation_query_for_participant",
    "conversation_rows_for_user",
    "conversation_search_for_user",
    "message_created_at",
    "message_get_reportable",
    "message_list_after",
    "message_list_newly_read",
    "message_list_visible",
    "message_page",
    "message_photo_get",
    "message_photo_get_for_viewer",
    "message_photos_for",
    "message_search_for_user",
    "message_sent_with_key",
    "offer_get_for_conversation",
    "unread_badge",
    "unread_conversation_count",
]
