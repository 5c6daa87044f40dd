"""API: the conversation list, one conversation, starting one about an ad, and the participant's own state
(read, unread, hide, archive, mute, block), the badge and search."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import api_view
from rest_framework.response import Response

from accounts import services as account_services
from ads import selectors as ad_selectors
from chat import access, policy, selectors, services
from chat.api import serializers as s
from chat.forms import ListQueryForm
from marketplace import api
from marketplace.api import ErrorSerializer, error_response
from marketplace.requests import guarded

REFUSALS = api.REFUSALS
# Search words: 1–200 characters once stripped, at least one not a space, no NUL (the schema's pattern).
SEARCH_MAX_LENGTH = 200
SEARCH_PATTERN = r"^[^\x00]*\S[^\x00]*$"


@extend_schema(
    parameters=[
        OpenApiParameter("filter", str, enum=list(selectors.LIST_FILTERS), description="As the site's list."),
        OpenApiParameter("ad", str, description="Only conversations about this ad (its public id)."),
        OpenApiParameter("before", str, description="`next_cursor` of the previous page."),
        OpenApiParameter("label", int, description="Only conversations with this label of the viewer's."),
        OpenApiParameter(
            "pinned", bool, description="true: only the pinned ones (at most 5, one page); false: no pinned."
        ),
    ],
    responses={200: s.ConversationPageSerializer, **REFUSALS},
    operation_id="conversations_list",
)
@api_view(["GET"])
def conversation_list(request):
    """The user's conversations, newest activity first, MARKETPLACE_CONVERSATIONS_PAGE_SIZE a page (keyset
    cursor, never OFFSET): the same rows, filters and hidden-history rule as the chat list, each with the
    viewer's own labels. Three queries whatever the number of conversations (token auth aside), and one
    more UPDATE when a row's last message from the other participant was not delivered yet (fetching it
    delivers it)."""
    cursor = api.decode_cursor(request.query_params.get("before"))
    if request.query_params.get("filter", "all") not in selectors.LIST_FILTERS:
        raise ValidationError({"filter": [f"Choose one of {', '.join(selectors.LIST_FILTERS)}."]})
    query = {key: request.query_params.get(key, "") for key in ("filter", "ad")}
    if cursor:
        query["before"] = cursor
    form = ListQueryForm.values(query)
    size = settings.MARKETPLACE_CONVERSATIONS_PAGE_SIZE
    rows = list(
        selectors.conversation_list_for_user(
            user=request.user,
            list_filter=form.get("filter") or "all",
            ad_public_id=form.get("ad") or None,
            before=form.get("before"),
            label_id=api.query_int(request, "label", minimum=1),
            pinned=_query_bool(request, "pinned"),
        )[: size + 1]
    )
    page = rows[:size]
    services.conversations_mark_delivered(user=request.user, conversations=page)
    last = page[-1] if len(rows) > size else None
    body = {
        "results": page,
        "next_cursor": api.encode_cursor(last.my_last_message_at, last.id) if last else None,
    }
    return Response(s.ConversationPageSerializer(body, context={"viewer": request.user}).data)


def _query_bool(request, name: str) -> bool | None:
    """Query parameter *name* as ``true``/``false`` (None when absent); ValidationError otherwise."""
    raw = request.query_params.get(name)
    if raw is None:
        return None
    if raw not in ("true", "false"):
        raise ValidationError({name: ["Enter true or false."]}, code="invalid")
    return raw == "true"


@extend_schema(responses={200: s.ConversationDetailSerializer, **REFUSALS})
@api_view(["GET"])
def conversation_detail(request, public_id: str):
    """One conversation with its snapshot, the other participant's public state (read pointer when both
    share read receipts, blocks) and the change number; 404 for non-participants."""
    conversation = access.access_conversation(user=request.user, public_id=public_id)
    return Response(s.ConversationDetailSerializer(conversation, context={"viewer": request.user}).data)


@extend_schema(
    request=s.StartSerializer,
    parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER, required=False)],
    responses={
        201: s.StartedSerializer,
        200: s.StartedSerializer,
        202: OpenApiResponse(ErrorSerializer, description="Held for a moderator's review (code `held`)."),
        422: ErrorSerializer,
        **REFUSALS,
    },
)
@api_view(["POST"])
def conversation_start(request, public_id: str):
    """ "Write to seller" for ad *public_id*: send the first message (or another one in the existing
    conversation). Same refusals and limits as the site (``own_ad``, ``ad_unavailable``, ``blocked``,
    body codes; 429). With an ``Idempotency-Key`` a repeat answers 200 with what the first call sent, and
    the same key with another body 422 ``idempotency_key_mismatch``. A first message held for review
    answers 202 ``held``."""
    ad = ad_selectors.ad_get_any(public_id=public_id)
    data = s.StartSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    body = data.validated_data["body"]
    charge = policy.StartCharge(ad)

    def check() -> None:
        """The ad's refusals, then the body's, before the limits; screening sees the cleaned body."""
        nonlocal body
        services.conversation_start_check(buyer=request.user, ad=ad)
        body = services.message_body_clean(body)

    outcome = guarded(
        request,
        rule=charge,
        repeat=lambda key: policy.is_repeat_start(buyer=request.user, ad=ad, idempotency_key=key),
        check=check,
        call=lambda key: policy.start_unless_held(charge, buyer=request.user, body=body, key=key),
    )
    if outcome.answer() is None:
        held = "This message went to several sellers, so it waits for a moderator's review."
        return error_response("held", held, status.HTTP_202_ACCEPTED)
    conversation, message = outcome.result
    code = status.HTTP_200_OK if outcome.repeated else status.HTTP_201_CREATED
    return _started(request, conversation.public_id, message, code)


def _started(request, public_id: str, message, code: int) -> Response:
    conversation = access.access_conversation(user=request.user, public_id=public_id)
    context = s.message_context(conversation, [message], viewer=request.user)
    body = {"conversation": conversation, "message": message}
    return Response(s.StartedSerializer(body, context=context).data, status=code)


def _flag(request) -> bool:
    """The ``{"value": true|false}`` body (read after the participant check: strangers get 404 first)."""
    flag = s.FlagSerializer(data=request.data)
    flag.is_valid(raise_exception=True)
    return flag.validated_data["value"]


def _state(request, public_id: str, change) -> Response:
    """Apply *change(conversation)* for the viewer and answer the conversation as it is now."""
    conversation = access.access_conversation(user=request.user, public_id=public_id)
    change(conversation)
    conversation = access.access_conversation(user=request.user, public_id=public_id)
    return Response(s.ConversationDetailSerializer(conversation, context={"viewer": request.user}).data)


@extend_schema(request=None, responses={200: s.ConversationDetailSerializer, **REFUSALS})
@api_view(["POST"])
def conversation_read(request, public_id: str):
    """Mark everything in the conversation read (the read pointer moves to its last message)."""
    return _state(
        request,
        public_id,
        lambda c: services.conversation_mark_read_if_behind(
            conversation=c, user=request.user, up_to_message_id=c.last_message_id
        ),
    )


@extend_schema(request=None, responses={200: s.ConversationDetailSerializer, **REFUSALS})
@api_view(["POST"])
def conversation_unread(request, public_id: str):
    """Mark the conversation unread (``nothing_to_mark`` when the other side has written nothing)."""
    return _state(
        request, public_id, lambda c: services.conversation_mark_unread(conversation=c, user=request.user)
    )


@extend_schema(request=None, responses={204: OpenApiResponse(description="Hidden."), **REFUSALS})
@api_view(["POST"])
def conversation_hide(request, public_id: str):
    """Hide the conversation from the user's own view until a new message arrives (the other keeps it)."""
    conversation = access.access_conversation(user=request.user, public_id=public_id)
    services.conversation_hide(conversation=conversation, user=request.user)
    return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(request=s.FlagSerializer, responses={200: s.ConversationDetailSerializer, **REFUSALS})
@api_view(["POST"])
def conversation_archive(request, public_id: str):
    """Archive (``{"value": true}``) or unarchive the conversation for the user only."""
    return _state(
        request,
        public_id,
        lambda c: services.conversation_set_archived(
            conversation=c, user=request.user, archived=_flag(request)
        ),
    )


@extend_schema(request=s.FlagSerializer, responses={200: s.ConversationDetailSerializer, **REFUSALS})
@api_view(["POST"])
def conversation_mute(request, public_id: str):
    """Mute (``{"value": true}``) or unmute this conversation's push notifications on the user's devices."""
    return _state(
        request,
        public_id,
        lambda c: services.conversation_set_muted(conversation=c, user=request.user, muted=_flag(request)),
    )


@extend_schema(request=None, responses={200: s.ConversationDetailSerializer, **REFUSALS})
@api_view(["POST"])
def conversation_block(request, public_id: str):
    """Block the other participant (neither can write to the other; ``DELETE /blocks/{id}/`` lifts it)."""
    return _state(
        request,
        public_id,
        lambda c: account_services.user_block(
            blocker=request.user, blocked=c.other_participant(request.user)
        ),
    )


@extend_schema(responses={200: s.UnreadSerializer, 401: ErrorSerializer})
@api_view(["GET"])
def unread(request):
    """The header badge: how many conversations have unread messages (one COUNT on a partial index)."""
    return Response({"unread_conversations": selectors.unread_conversation_count(user=request.user)})


@extend_schema(
    parameters=[
        OpenApiParameter(
            "q",
            {"type": "string", "minLength": 1, "maxLength": SEARCH_MAX_LENGTH, "pattern": SEARCH_PATTERN},
            required=True,
            description="Words, a name or an ad title.",
        )
    ],
    responses={200: s.SearchSerializer, **REFUSALS},
)
@api_view(["GET"])
def search(request):
    """Search the user's own conversations as the site does: message text (never hidden history),
    ad titles and the other person's name. ``q`` of 1–200 characters without NUL (400 otherwise)."""
    query = (request.query_params.get("q") or "").strip()
    if not query or len(query) > SEARCH_MAX_LENGTH or "\x00" in query:
        raise ValidationError("Search for 1 to 200 characters.", code="bad_query")
    hits = selectors.message_search_for_user(user=request.user, text=query)
    conversations = selectors.conversation_search_for_user(user=request.user, text=query)
    messages = [
        {
            "conversation": hit.conversation.public_id,
            "message": hit.id,
            "body": hit.body[:300],
            "created_at": hit.created_at.isoformat(),
        }
        for hit in hits
    ]
    body = {"messages": messages, "conversations": conversations}
    return Response(s.SearchSerializer(body, context={"viewer": request.user}).data)
