"""Offers: make one (buyer), accept or decline (seller), withdraw (buyer)."""

from __future__ import annotations

from django.contrib import messages as flash
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from chat import selectors, services
from chat.views.conversations import conversation_for_page, mark_read_up_to, render_conversation_page
from marketplace import idempotency
from marketplace.http import HtmxHttpRequest, login_required
from marketplace.ratelimits import RateLimited, check_rate_limit, with_retry_after

OFFER_ACTIONS = {
    "accept": (services.offer_accept, "seller"),
    "decline": (services.offer_decline, "seller"),
    "withdraw": (services.offer_withdraw, "buyer"),
}


@login_required
@require_POST
def offer_make(request: HtmxHttpRequest, public_id: str) -> HttpResponse:
    """Make an offer (buyer; ``amount`` as typed, e.g. "350" or "$1,200.50"; ``idempotency_key``).

    Success shows the conversation at the offer card, and so does a repeat of it (not counted again). A
    refused amount or the rate limit re-renders the page with the reason and the typed amount (status 400;
    429 with Retry-After); other refusals are flash messages."""
    token, conversation = conversation_for_page(request, public_id)
    typed = request.POST.get("amount", "")[:30]
    limited = None
    try:
        key = idempotency.read_key(request.POST)
        earlier = selectors.message_sent_with_key(sender=request.user, idempotency_key=key)
        if earlier is None or earlier.offer is None:
            check_rate_limit(request, "message_by_user")  # an offer is a message in the conversation
        offer = services.offer_make(
            conversation=conversation, buyer=request.user, amount=typed, idempotency_key=key
        )
    except RateLimited as error:
        limited, reason = error, error.message
    except ValidationError as error:
        if error.code not in ("offer_amount", "bad_idempotency_key"):
            flash.error(request, " ".join(error.messages))
            return redirect(conversation)
        reason = " ".join(error.messages)
    else:
        return redirect(f"{conversation.get_absolute_url()}#offer-{offer.id}")
    mark_read_up_to(conversation, request.user, conversation.last_message_id)
    response = render_conversation_page(
        request,
        conversation,
        token=token,
        status=400,
        offer_error=reason,
        offer_typed=typed,
        offer_key=idempotency.key_to_render(request.POST),
    )
    return with_retry_after(response, limited)


@login_required
@require_POST
def offer_act(request: HtmxHttpRequest, public_id: str, offer_id: int, action: str) -> HttpResponse:
    """Accept or decline (seller) or withdraw (buyer) an offer; a refused action says why (flash)."""
    conversation = selectors.conversation_get_for_participant(public_id=public_id, user=request.user)
    offer = selectors.offer_get_for_conversation(conversation=conversation, offer_id=offer_id)
    if action not in OFFER_ACTIONS:
        raise Http404("No such action.")
    perform, actor = OFFER_ACTIONS[action]
    try:
        perform(offer=offer, **{actor: request.user})
    except ValidationError as error:
        flash.error(request, " ".join(error.messages))
    return redirect(f"{conversation.get_absolute_url()}#offer-{offer.id}")
