"""API: offers and counter-offers, their decisions, the deal (reserve, sell), and reviews."""

from __future__ import annotations

from functools import partial

from django.core.exceptions import ValidationError
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.decorators import api_view
from rest_framework.response import Response

from chat import access, selectors, services
from chat.api import serializers as s
from marketplace import api
from marketplace.api import ErrorSerializer
from marketplace.requests import guarded

DECISIONS = {
    "accept": services.offer_accept,
    "decline": services.offer_decline,
    "withdraw": services.offer_withdraw,
}
DEALS = {"reserve": services.offer_reserve, "sell": services.offer_mark_sold}


def _offer_answer(request, offer, *, told: int | None = None, code: int = status.HTTP_200_OK) -> Response:
    body = {"offer": offer}
    if told is not None:
        body["conversations_told"] = told
    return Response(s.OfferActionSerializer(body, context={"viewer": request.user}).data, status=code)


@extend_schema(
    request=s.OfferInputSerializer,
    parameters=[s.IDEMPOTENCY],
    responses={
        201: s.OfferActionSerializer,
        200: s.OfferActionSerializer,
        422: ErrorSerializer,
        **api.REFUSALS,
    },
)
@api_view(["POST"])
def offer_make(request, public_id: str):
    """Propose a price (either side); answering the other side's pending offer makes a counter-offer.
    Above the asking price it needs ``confirm_above_asking: true`` (else 400 ``offer_above_asking``).
    Refusals: ``offer_amount``, ``offer_ad_unavailable`` (reserved, sold), ``offer_ad_removed``,
    ``blocked``, ``recipient_suspended``; counted against ``message_by_user``; an ``Idempotency-Key``
    repeat answers 200 with the first offer, the same key with another amount 422
    ``idempotency_key_mismatch``."""
    conversation = access.access_conversation(user=request.user, public_id=public_id)
    data = s.OfferInputSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    outcome = guarded(
        request,
        rule="message_by_user",
        repeat=lambda key: selectors.offer_sent_with_key(
            sender=request.user, idempotency_key=key, conversation=conversation
        ),
        call=lambda key: services.offer_make(
            conversation=conversation,
            user=request.user,
            amount=data.validated_data["amount"],
            idempotency_key=key,
            above_asking_confirmed=data.validated_data["confirm_above_asking"],
        ),
    )
    offer = outcome.answer()
    return _offer_answer(
        request, offer, code=status.HTTP_200_OK if outcome.repeated else status.HTTP_201_CREATED
    )


@extend_schema(
    request=None,
    parameters=[OpenApiParameter("action", str, OpenApiParameter.PATH, enum=[*DECISIONS, *DEALS])],
    responses={200: s.OfferActionSerializer, **api.REFUSALS},
    operation_id="conversations_offers_act",
)
@api_view(["POST"])
def offer_act(request, public_id: str, offer_id: int, action: str):
    """``accept`` / ``decline`` the other side's pending offer, ``withdraw`` one's own, or as the seller
    ``reserve`` / ``sell`` on an accepted one (then ``conversations_told`` says how many other
    conversations about the ad were told). Refusals: ``offer_own``, ``offer_not_own``,
    ``offer_not_pending``, ``offer_ad_removed``, ``offer_not_accepted``, ``deal_not_seller``,
    ``reserved_for_other``, ``sold``."""
    if action not in DECISIONS and action not in DEALS:
        raise Http404("No such action.")
    conversation = access.access_conversation(user=request.user, public_id=public_id)
    offer = selectors.offer_get_for_conversation(conversation=conversation, offer_id=offer_id)
    if action in DEALS:
        change = DEALS[action](offer=offer, user=request.user)
        return _offer_answer(request, offer, told=change.conversations_told)
    decided = DECISIONS[action](offer=offer, user=request.user)
    return _offer_answer(request, decided)


@extend_schema(
    request=s.ReviewInputSerializer,
    responses={200: s.ReviewSerializer, 201: s.ReviewSerializer, **api.REFUSALS},
    methods=["POST", "PATCH"],
)
@extend_schema(request=None, responses={200: s.ReviewSerializer, **api.REFUSALS}, methods=["GET"])
@api_view(["GET", "POST", "PATCH"])
def conversation_review(request, public_id: str):
    """The user's review of the other participant. GET: it (404 ``not_found`` before one is written; the
    error says why reviewing is closed when it is). POST: write it (the gate's refusals:
    ``review_too_few_messages``, ``review_too_early``, ``review_window_closed``, ``review_exists``).
    PATCH: change it while editable (``review_not_editable``)."""
    conversation = access.access_conversation(user=request.user, public_id=public_id)
    existing = selectors.review_by_author(conversation=conversation, user_id=request.user.pk)
    if request.method == "GET":
        if existing is None:
            refusal = services.review_refusal(conversation=conversation, user=request.user)
            if refusal:
                raise services.review_refusal_error(refusal)
            raise Http404("No review yet.")
        return Response(s.ReviewSerializer(existing).data)
    data = s.ReviewInputSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    if request.method == "POST":
        write = partial(services.review_create, conversation=conversation)
    elif existing is None:
        raise ValidationError("Write the review first.", code="review_missing")
    else:
        write = partial(services.review_update, review=existing)
    outcome = guarded(
        request,
        rule="message_action_by_user",
        call=lambda _key: write(author=request.user, **data.validated_data),
    )
    review = outcome.answer()
    created = request.method == "POST"
    code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
    return Response(s.ReviewSerializer(review).data, status=code)
