"""Offers: propose a price or counter-offer (either side), accept or decline (the other side), withdraw
(the proposer), and the seller's deal on an accepted offer: reserve or mark sold."""

from __future__ import annotations

from django.contrib import messages as flash
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from chat import access, responses, selectors, services
from chat.notices import status_change_text
from marketplace.http import HtmxHttpRequest, login_required
from marketplace.requests import guarded
from marketplace.sentences import sentence_format

OFFER_ACTIONS = {
    "accept": services.offer_accept,
    "decline": services.offer_decline,
    "withdraw": services.offer_withdraw,
}
# The deal on an accepted offer: the flash says how many other conversations were told.
DEAL_ACTIONS = {
    "reserve": (services.offer_reserve, gettext_lazy("Reserved for %(name)s.")),
    "sell": (services.offer_mark_sold, gettext_lazy("Marked as sold to %(name)s.")),
}
# Refusals shown in the offer form with the typed amount kept; the others are flash messages.
FORM_REFUSALS = {"offer_amount", "offer_above_asking", "bad_idempotency_key", "idempotency_key_mismatch"}


@login_required
@require_POST
def offer_make(request: HtmxHttpRequest, public_id: str) -> HttpResponse:
    """Propose a price (either participant; ``amount`` as typed, e.g. "350" or "$1,200.50";
    ``idempotency_key``; ``confirm_above_asking=1`` once told the amount is above the asking price).

    Success shows the conversation at the offer card, and so does a repeat of it (not counted again). A
    refused amount, an unconfirmed amount above the asking price, the same key with another amount (then
    with a fresh key) or the rate limit re-renders the page with the reason and the typed amount (status
    400; 429 with Retry-After); other refusals are flash messages."""
    token, conversation = access.access_conversation_with_token(user=request.user, public_id=public_id)
    typed = request.POST.get("amount", "")[:30]
    outcome = guarded(
        request,
        rule="message_by_user",  # an offer is a message in the conversation
        repeat=lambda key: selectors.offer_sent_with_key(
            sender=request.user, idempotency_key=key, conversation=conversation
        ),
        call=lambda key: services.offer_make(
            conversation=conversation,
            user=request.user,
            amount=typed,
            idempotency_key=key,
            above_asking_confirmed=request.POST.get("confirm_above_asking") == "1",
        ),
    )
    if outcome.ok:
        return redirect(f"{conversation.get_absolute_url()}#offer-{outcome.result.id}")
    refusal, confirm = outcome.refusal, ""
    if outcome.limited is None and refusal.code not in FORM_REFUSALS:
        flash.error(request, " ".join(refusal.messages))
        return redirect(conversation)
    if refusal.code == "offer_above_asking":
        confirm = refusal.params["amount"]
    services.conversation_mark_read_if_behind(
        conversation=conversation, user=request.user, up_to_message_id=conversation.last_message_id
    )
    response = responses.render_conversation_page(
        request,
        conversation,
        token=token,
        status=400,
        offer_error=" ".join(refusal.messages),
        offer_typed=typed,
        offer_confirm=confirm,
        offer_key=outcome.key_to_render(),  # a fresh one when the posted key already made another offer
    )
    return outcome.respond(response)


@login_required
@require_POST
def offer_act(request: HtmxHttpRequest, public_id: str, offer_id: int, action: str) -> HttpResponse:
    """Act on an offer: ``accept`` / ``decline`` (the other side's pending offer), ``withdraw`` (one's
    own), ``reserve`` / ``sell`` (the seller, on an accepted offer: the flash says how many other
    conversations about the ad were told). A refused action says why (flash)."""
    conversation = access.access_conversation(public_id=public_id, user=request.user)
    offer = selectors.offer_get_for_conversation(conversation=conversation, offer_id=offer_id)
    if action not in OFFER_ACTIONS and action not in DEAL_ACTIONS:
        raise Http404("No such action.")
    try:
        if action in DEAL_ACTIONS:
            perform, done = DEAL_ACTIONS[action]
            change = perform(offer=offer, user=request.user)
            done_text = sentence_format(done, {"name": conversation.buyer.display_name})
            flash.success(request, f"{done_text} {status_change_text(change)}".strip())
        else:
            OFFER_ACTIONS[action](offer=offer, user=request.user)
    except ValidationError as error:
        flash.error(request, " ".join(error.messages))
    return redirect(f"{conversation.get_absolute_url()}#offer-{offer.id}")
