"""Which rate limits a chat write counts against, where that takes more than one named rule
(``marketplace.ratelimits``): "Write to seller" may open a conversation or add a message to one."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from ads.models import Ad
from chat import selectors
from marketplace.ratelimits import Reservation, check_rate_limit, rate_limit_reserve

# The rules a new conversation counts against; a message in an existing one counts against message_by_user.
NEW_CONVERSATION_RULES = ("conversation_by_user", "conversation_by_new_user")


def reserve_start_rate_limits(request: HttpRequest, ad: Ad) -> Reservation | None:
    """Charge a "Write to seller" to its rate limits before anything is sent. Raises RateLimited.

    Writing again in an existing conversation is a message, counted now (``message_by_user``); returns
    None. Otherwise returns a reservation holding a slot in ``message_by_user`` and in the
    new-conversation rules (``conversation_by_new_user`` too for accounts younger than
    MARKETPLACE_NEW_ACCOUNT_S): a concurrent request about the same ad may open the conversation first,
    which makes this one a message. ``settle_start_rate_limits`` keeps the slots of what happened, so
    refused attempts cost nothing and only conversations actually created count against their limits.
    Each slot is an atomic increment, so concurrent requests never pass more than a limit."""
    if selectors.conversation_exists(buyer=request.user, ad=ad):
        check_rate_limit(request, "message_by_user")
        return None
    rules = NEW_CONVERSATION_RULES if _is_new_account(request.user) else NEW_CONVERSATION_RULES[:1]
    return rate_limit_reserve(request, ["message_by_user", *rules])


def _is_new_account(user) -> bool:
    return (timezone.now() - user.date_joined).total_seconds() < settings.MARKETPLACE_NEW_ACCOUNT_S


def settle_start_rate_limits(reservation: Reservation | None, message) -> None:
    """Keep the slots *reservation* (``reserve_start_rate_limits``) took for what *message* did: opened
    its conversation (the new-conversation rules) or went into one a concurrent request opened
    (``message_by_user``); without a *message* nothing was delivered (refused or held), so give all back."""
    if reservation is None:
        return
    if message is None:
        reservation.release()
    elif selectors.message_opened_conversation(message=message):
        reservation.release("message_by_user")
    else:
        reservation.release(*NEW_CONVERSATION_RULES)
