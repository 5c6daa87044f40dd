"""User-facing error texts of the chat services, keyed by the ValidationError code they are raised with,
so forms, views and tests share them."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from marketplace.ratelimits import RateLimited

ERROR_MESSAGES = {
    "empty": _("Write a message before sending."),
    "too_long": _("Messages can be at most %(limit)s characters (yours has %(length)s)."),
    "null_character": _("The message contains a character that cannot be sent."),
    "own_ad": _("This is your own ad: buyers' conversations about it are in your chats."),
    "ad_unavailable": _("This ad is sold or no longer available, so a new conversation can't be started."),
    "nothing_to_mark": _("There is no message from the other person to mark as unread."),
    "offer_ad_unavailable": _("This ad is reserved, sold or no longer available, so offers are closed."),
    "offer_ad_removed": _("This ad was removed, so offers about it are closed."),
    "offer_amount": _("Enter an amount above 0 and up to %(max)s, with at most two decimals."),
    "offer_own": _("This is your own offer: the other person accepts or declines it."),
    "offer_not_own": _("Only the person who made the offer can withdraw it."),
    "offer_above_asking": _("%(amount)s is more than the asking price of %(price)s. Send it anyway?"),
    "offer_not_accepted": _("Only an accepted offer can close the deal."),
    "deal_not_seller": _("Only the seller can reserve or sell the ad."),
    "deal_ad_gone": _("The ad is no longer on the site."),
    "offer_not_pending": _("This offer is already %(status)s."),
    "blocked": _("You can't reply to this conversation."),
    "blocked_by_you": _("You blocked %(name)s. Unblock them under “Blocked users” to write again."),
    "blocked_start": _("You can't write to this seller."),
    "email_unverified": _(
        "Confirm your email address before you write: open the link we emailed you when you signed up, "
        "or use “Resend confirmation email” to get a new one."
    ),
    "recipient_suspended": _("%(name)s's account is suspended: your message can't be delivered for now."),
    "idempotency_key_reused": _("This form was already used for another conversation. Reload the page."),
    "too_many_photos": _("Send at most %(limit)s photos in one message."),
    "not_editable": _("Only your own text messages can be edited or deleted."),
    "message_deleted": _("This message was deleted."),
    "message_removed": _("A moderator removed this message, so it can't be changed."),
    "pin_limit": _("You can pin up to %(limit)s conversations. Unpin one first."),
    "label_empty": _("Write a name for the label."),
    "label_too_long": _("A label can be at most %(limit)s characters."),
    "label_exists": _("You already have a label called “%(name)s”."),
    "label_limit": _("You can have up to %(limit)s labels. Delete one you no longer use first."),
    "label_unknown": _("One of these labels is not one of yours (it may have been deleted)."),
    # A number in the text takes its plural form from the ValidationError's params (the named key).
    "edit_window_closed": ngettext_lazy(
        "Messages can be edited or deleted for %(minutes)s minute after sending.",
        "Messages can be edited or deleted for %(minutes)s minutes after sending.",
        "minutes",
    ),
    "reaction_unknown": _("Choose one of the reactions shown."),
    "not_reactable": _("Notices in the conversation can't be reacted to."),
    "review_too_few_messages": ngettext_lazy(
        "Reviews open once you have both written at least %(count)s message in the conversation.",
        "Reviews open once you have both written at least %(count)s messages in the conversation.",
        "count",
    ),
    "review_too_early": ngettext_lazy(
        "Reviews open %(hours)s hour after the conversation started.",
        "Reviews open %(hours)s hours after the conversation started.",
        "hours",
    ),
    "review_window_closed": ngettext_lazy(
        "Reviews can be left up to %(days)s day after the last message.",
        "Reviews can be left up to %(days)s days after the last message.",
        "days",
    ),
    "review_exists": _("You already reviewed this conversation."),
    "review_stars": _("Choose 1 to 5 stars for both ratings."),
    "review_too_long": _("A review can be at most %(limit)s characters."),
    "review_not_editable": _("This review can no longer be changed."),
    "reply_unknown": _("The message you are replying to is not in this conversation."),
    "away_text_required": _("Write the away message buyers get while you are away."),
    "away_text_too_long": _("An away message can be at most %(limit)s characters."),
    "away_until_past": _("Choose today or a later day."),
    "quick_reply_empty": _("Write the quick reply's text."),
    "quick_reply_too_long": _("A quick reply can be at most %(limit)s characters."),
    "quick_replies_too_many": _("You can keep at most %(limit)s quick replies."),
    "quick_reply_unknown": _("There is no such quick reply in your list."),
}


def refusal_text(error: ValidationError | PermissionDenied | RateLimited) -> str:
    """Return what to tell the person whose action a service (or a rate limit) refused with *error*: the
    validation messages, the rate limit's wait, or the permission error's own sentence."""
    if isinstance(error, RateLimited):
        return error.message
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)
