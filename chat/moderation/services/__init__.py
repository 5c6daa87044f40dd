"""Reports, held messages and moderator actions. Every moderator action writes the audit log
(``ModerationAction``) in the same transaction as its effect, so the log cannot miss an action.

Moderators are staff users with ``moderation.change_report`` (the "Moderators" group,
``accounts.selectors.is_moderator``); other callers get PermissionDenied. The names below are the public
surface (``from chat.moderation import services; services.report_create(...)``).
"""

from chat.moderation.services.actions import (
    ad_remove,
    case_view_logged,
    conversation_view_logged,
    message_remove,
    photo_view_logged,
    report_dismiss,
    report_label_scam,
    review_set_hidden,
    user_suspend,
    user_unsuspend,
)
from chat.moderation.services.common import ERROR_MESSAGES, REPORT_DETAILS_MAX_LENGTH
from chat.moderation.services.held import (
    duplicate_first_message_recipients,
    held_message_create,
    held_message_exists,
    held_message_reject,
    held_message_release,
    should_hold_first_message,
)
from chat.moderation.services.reports import (
    report_ad_create,
    report_create,
    report_exists,
    report_review_create,
)

__all__ = [
    "ERROR_MESSAGES",
    "REPORT_DETAILS_MAX_LENGTH",
    "ad_remove",
    "case_view_logged",
    "conversation_view_logged",
    "duplicate_first_message_recipients",
    "held_message_create",
    "held_message_exists",
    "held_message_reject",
    "held_message_release",
    "message_remove",
    "photo_view_logged",
    "report_ad_create",
    "report_create",
    "report_dismiss",
    "report_exists",
    "report_label_scam",
    "report_review_create",
    "review_set_hidden",
    "should_hold_first_message",
    "user_suspend",
    "user_unsuspend",
]
