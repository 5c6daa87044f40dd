"""API: a conversation's messages (keyset pages both ways), sending (text, photos, replies) exactly once,
and the message actions (edit, delete for everyone, reactions)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import api_view
from rest_framework.response import Response

from chat import access, policy, responses, selectors, services
from chat.api import serializers as s
from chat.forms import MessageForm
from marketplace import api
from marketplace.api import ErrorSerializer
from marketplace.ratelimits import check_rate_limit

REFUSALS = api.REFUSALS


@extend_schema(
    parameters=[
        OpenApiParameter("before", int, description="Page of the messages before this message id (older)."),
        OpenApiParameter(
            "after", int, description="The messages after this message id (newer), oldest first."
        ),
    ],
    responses={200: s.MessagePageSerializer, **REFUSALS},
)
@api_view(["GET"])
def message_list(request, public_id: str):
    """One page (MARKETPLACE_MESSAGES_PAGE_SIZE) of messages, oldest first: the latest, or those
    ``before`` a message id (keyset on time and id, never OFFSET), or those ``after`` one. Reading is not
    marking read (an app may fetch in the background): ``POST .../read/`` sends the read receipt when the
    user sees the messages. It is delivering: the other participant's messages here turn "delivered"
    (``services.conversation_mark_delivered``). A constant number of queries whatever the history."""
    conversation = access.access_conversation(user=request.user, public_id=public_id)
    before, after = api.query_int(request, "before", minimum=1), api.query_int(request, "after")
    limit = settings.MARKETPLACE_MESSAGES_PAGE_SIZE
    if after is not None:
        messages, has_more, _at = selectors.message_list_after(
            conversation=conversation, after_id=after, limit=limit
        )
    else:
        messages, has_more = selectors.message_page(
            conversation=conversation, limit=limit, before_message_id=before
        )
    services.conversation_mark_delivered(conversation=conversation, user=request.user, messages=messages)
    body = {"results": s.serialize_messages(request, conversation, messages), "has_more": has_more}
    return Response(body)


@extend_schema(
    request={"application/json": s.SendSerializer, "multipart/form-data": s.SendPhotosSerializer},
    parameters=[s.IDEMPOTENCY],
    responses={201: s.MessageSerializer, 200: s.MessageSerializer, 422: ErrorSerializer, **REFUSALS},
)
@api_view(["POST"])
def message_send(request, public_id: str):
    """Send a message: ``body`` (may be empty with photos), ``reply_to`` (a message id of this
    conversation), ``photos`` (multipart, up to MARKETPLACE_PHOTOS_PER_MESSAGE JPEG/PNG/WebP, verified and
    re-encoded by Pillow). With an ``Idempotency-Key`` (the composer's key space) a repeat answers 200 with
    the message the first call stored and is not charged to ``message_by_user``; the same key with a
    different body, reply or photos is 422 ``idempotency_key_mismatch`` and stores nothing. Refusals as the
    composer's: ``empty``, ``too_long``, ``blocked``, ``recipient_suspended``, ``reply_unknown``,
    ``too_many_photos``, photo errors."""
    conversation = access.access_conversation(user=request.user, public_id=public_id)
    reply_to = request.data.get("reply_to")
    try:
        reply_to = int(reply_to) if reply_to not in (None, "") else None
    except (TypeError, ValueError):
        raise ValidationError("reply_to must be a message id.", code="reply_unknown") from None
    body = request.data.get("body", "")
    if not isinstance(body, str):
        raise ValidationError("body must be text.", code="invalid")
    form = MessageForm({"body": body}, request.FILES)
    if not form.is_valid():
        errors = [error for field_errors in form.errors.as_data().values() for error in field_errors]
        message = " ".join(text for field_errors in form.errors.values() for text in field_errors)
        raise ValidationError(message, code=errors[0].code or "invalid")
    # A repeat is validated like the first request: the service compares the two (same key, other body,
    # reply or photos: 422 ``idempotency_key_mismatch``) and returns the stored message for the same one.
    outcome = policy.message_send_guarded(
        request,
        conversation=conversation,
        cleaned=form.cleaned_data,
        reply_to_id=reply_to,
    )
    message = outcome.answer()
    answer = status.HTTP_200_OK if outcome.repeated else status.HTTP_201_CREATED
    return Response(s.serialize_messages(request, conversation, [message])[0], status=answer)


def _own_message(request, public_id: str, message_id: int):
    conversation = access.access_conversation(user=request.user, public_id=public_id)
    return conversation, selectors.message_get_for_participant(
        conversation=conversation, message_id=message_id
    )


def _answer(request, conversation, message) -> Response:
    fresh = selectors.message_get_for_participant(conversation=conversation, message_id=message.id)
    return Response(s.serialize_messages(request, conversation, [fresh])[0])


@extend_schema(request=s.EditSerializer, responses={200: s.MessageSerializer, **REFUSALS}, methods=["PATCH"])
@extend_schema(request=None, responses={200: s.MessageSerializer, **REFUSALS}, methods=["DELETE"])
@api_view(["PATCH", "DELETE"])
def message_change(request, public_id: str, message_id: int):
    """PATCH ``{"body"}``: edit one's own text message within MARKETPLACE_EDIT_WINDOW_S (earlier text kept
    for moderators). DELETE: delete it for everyone (both see "Message deleted"). Refusals:
    ``not_editable``, ``edit_window_closed``, ``message_deleted``, ``message_removed``, ``blocked``, body
    codes; ``message_action_by_user`` limit. Answers the message as it is now."""
    conversation, message = _own_message(request, public_id, message_id)
    check_rate_limit(request, "message_action_by_user")
    if request.method == "DELETE":
        services.message_delete(message=message, user=request.user)
    else:
        data = s.EditSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.message_edit(message=message, editor=request.user, body=data.validated_data["body"])
    return _answer(request, conversation, message)


@extend_schema(
    request=s.ReactionInputSerializer, responses={200: s.MessageSerializer, **REFUSALS}, methods=["PUT"]
)
@extend_schema(request=None, responses={200: s.MessageSerializer, **REFUSALS}, methods=["DELETE"])
@api_view(["PUT", "DELETE"])
def message_reaction(request, public_id: str, message_id: int):
    """PUT ``{"emoji"}``: set the user's reaction (one of 👍 ❤️ 😂 😮 🙏; replaces their previous one).
    DELETE: take it back. Idempotent both ways; ``not_reactable`` for notices, ``blocked``."""
    conversation, message = _own_message(request, public_id, message_id)
    check_rate_limit(request, "message_action_by_user")
    if request.method == "PUT":
        data = s.ReactionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.message_react(
            message=message, user=request.user, emoji=data.validated_data["emoji"], on=True
        )
    else:
        reactions = selectors.message_reactions_for([message]).get(message.id, [])
        mine = next((reaction.emoji for reaction in reactions if reaction.user_id == request.user.pk), None)
        if mine:
            services.message_react(message=message, user=request.user, emoji=mine, on=False)
    return _answer(request, conversation, message)


@extend_schema(
    parameters=[OpenApiParameter("variant", str, OpenApiParameter.PATH, enum=list(responses.PHOTO_VARIANTS))],
    responses={
        (200, "image/jpeg"): OpenApiResponse(OpenApiTypes.BINARY, description="The photo, JPEG."),
        401: ErrorSerializer,
        404: ErrorSerializer,
    },
)
@api_view(["GET"])
def message_photo(request, public_id: str, photo_id: int, variant: str):
    """A photo of a message (``full`` or ``thumb``, JPEG, never cached), for the
    conversation's participants with the app's token; 404 for anyone else and for photos of deleted or
    removed messages, as on the site."""
    if variant not in responses.PHOTO_VARIANTS:
        raise Http404("No such photo.")
    photo = selectors.message_photo_get_for_viewer(public_id=public_id, photo_id=photo_id, user=request.user)
    return responses.photo_response(photo, variant)


@extend_schema(
    parameters=[
        OpenApiParameter(
            "q",
            {"type": "string", "minLength": 1, "maxLength": 200, "pattern": r"^[^\x00]*\S[^\x00]*$"},
            required=True,
            description="Words to find in this conversation (web-search syntax: quotes, -word, or).",
        )
    ],
    responses={200: s.ConversationSearchSerializer, **REFUSALS},
)
@api_view(["GET"])
def message_search(request, public_id: str):
    """Search inside one conversation as the site's conversation menu does: up to 50 matching messages,
    newest first (never deleted ones or hidden history); fetch each one's place with ``GET
    .../messages/?before=<id + 1>``. ``q`` of 1–200 characters without NUL (400 ``bad_query``). A constant
    number of queries whatever the history; 404 for non-participants."""
    conversation = access.access_conversation(user=request.user, public_id=public_id)
    query = (request.query_params.get("q") or "").strip()
    if not query or len(query) > 200 or "\x00" in query:
        raise ValidationError("Search for 1 to 200 characters.", code="bad_query")
    limit = selectors.IN_CONVERSATION_RESULTS_LIMIT
    found = selectors.message_search_in_conversation(conversation=conversation, text=query, limit=limit + 1)
    body = {
        "results": s.serialize_messages(request, conversation, found[:limit]),
        "limited": len(found) > limit,
    }
    return Response(body)
