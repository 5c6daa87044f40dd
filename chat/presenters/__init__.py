"""Page assembly for the chat: turns selector results into template context (and cached HTML fragments).

Nothing here writes: views call the services (marking read, sending) and then these functions. One module
per part of the page; the names below are the public surface (``presenters.list_pane(...)``).
"""

from chat.presenters.conversations import (
    conversation_pane,
    earlier_page_html,
    new_messages,
    participant_context,
    quick_replies,
)
from chat.presenters.lists import PAGE_TEMPLATE, list_pane, search_results
from chat.presenters.messages import composer_mode, message_rows
from chat.presenters.pane import (
    COMPOSER_KEY_MARK,
    MESSAGES_MARK,
    OFFER_KEY_MARK,
    STATUS_MARK,
    conversation_chrome,
)
from chat.presenters.replies import reply_settings_context
from chat.presenters.reputation import (
    PROFILE_TEMPLATE,
    profile_context,
    reputation_context,
    response_time_text,
    review_prompt,
)
from chat.presenters.search import conversation_matches

__all__ = [
    "COMPOSER_KEY_MARK",
    "MESSAGES_MARK",
    "OFFER_KEY_MARK",
    "PAGE_TEMPLATE",
    "PROFILE_TEMPLATE",
    "STATUS_MARK",
    "composer_mode",
    "conversation_matches",
    "conversation_chrome",
    "conversation_pane",
    "earlier_page_html",
    "list_pane",
    "search_results",
    "message_rows",
    "new_messages",
    "participant_context",
    "quick_replies",
    "reply_settings_context",
    "profile_context",
    "reputation_context",
    "response_time_text",
    "review_prompt",
]
