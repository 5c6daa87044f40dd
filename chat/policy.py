"""What the request policy (``marketplace.requests.guarded``) needs to know about chat's writes, for the
site's and the API's front doors alike: what a repeat of each is, and what it is charged. "Write to
seller" takes a ``Charge`` of its own: it may open a conversation or add a message to one."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from ads.models import Ad
from chat import selectors, services
from marketplace.ratelimits import Reservation, check_rate_limit, rate_limit_reserve
from marketplace.requests import Outcome, guarded

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


class StartCharge:
    """The ``marketplace.requests.Charge`` of a "Write to seller" about *ad*: ``reserve_start_rate_limits``
    before, ``settle_start_rate_limits`` after, with the message the call returned. *reservation* is None
    until taken, and stays None when the buyer's conversation about *ad* already exists (a plain message):
    only a new conversation's first message is screened (``services.conversation_first_message_held``)."""

    def __init__(self, ad: Ad):
        self.ad = ad
        self.reservation: Reservation | None = None

    def take(self, request: HttpRequest) -> None:
        self.reservation = reserve_start_rate_limits(request, self.ad)

    def settle(self, result) -> None:
        """*result* is ``(conversation, message)`` from ``services.conversation_start``, or None (held or
        refused)."""
        settle_start_rate_limits(self.reservation, result[1] if result else None)


def start_unless_held(charge: StartCharge, *, buyer, body: str, key: str | None):
    """Send a "Write to seller" charged with *charge* (idempotency *key*): ``(conversation, message)``,
    or None when a screening room holds the first message of a new conversation
    (``services.conversation_first_message_held``). Raises the ValidationError of
    ``services.conversation_start``."""
    ad = charge.ad
    if charge.reservation is not None and services.conversation_first_message_held(
        buyer=buyer, ad=ad, body=body, idempotency_key=key
    ):
        return None
    return services.conversation_start(buyer=buyer, ad=ad, body=body, idempotency_key=key)


def is_repeat_start(*, buyer, ad: Ad, idempotency_key: str) -> bool:
    """Whether *idempotency_key* already sent *buyer*'s message about *ad* (a repeat: not charged again)."""
    earlier = selectors.message_sent_with_key(sender=buyer, idempotency_key=idempotency_key)
    return earlier is not None and earlier.conversation.ad_id == ad.pk


def message_send_guarded(
    request: HttpRequest, *, conversation, cleaned: dict, reply_to_id: int | None
) -> Outcome:
    """Send a message (*cleaned*: a valid ``MessageForm``'s ``body`` and ``photos``) through the request
    policy: charged to ``message_by_user`` unless its key already sent one (then ``services.message_send``
    answers with that message, or refuses another request under the same key). The outcome's result is
    the message."""
    return guarded(
        request,
        rule="message_by_user",
        repeat=lambda key: selectors.message_sent_with_key(sender=request.user, idempotency_key=key),
        call=lambda key: services.message_send(
            conversation=conversation,
            sender=request.user,
            body=cleaned["body"],
            photos=cleaned["photos"],
            idempotency_key=key,
            reply_to_id=reply_to_id,
        ),
    )
