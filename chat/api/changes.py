"""API: the change endpoints an app polls. They answer 304 from the same poll tokens as the page polls
(``chat.delivery``): the ETag carries the token and a fingerprint of the query (one ETag, one cursor's
answer), and while the token is current the gate answers If-None-Match on the same query with 304 before
authentication and the database, so an app's idle poll costs what a page's does. Answers are
``private, no-cache`` (``gate.API_CACHE_CONTROL``: a device's HTTP cache may keep them and revalidates
every time)."""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.decorators import api_view
from rest_framework.response import Response

from chat import access, selectors, services
from chat.api import serializers as s
from chat.delivery import gate, tokens
from chat.delivery.cursor import change_seq_name
from marketplace import api
from marketplace.api import ErrorSerializer

NOT_MODIFIED = OpenApiResponse(description="Nothing changed since the ETag sent in If-None-Match.")
IF_NONE_MATCH = OpenApiParameter(
    "If-None-Match", str, OpenApiParameter.HEADER, required=False, description="The ETag of the last answer."
)


@extend_schema(
    parameters=[
        IF_NONE_MATCH,
        OpenApiParameter("after", int, description="The newest message id the app has."),
        OpenApiParameter("change_seq", int, description="`conversation.change_seq` of the last answer."),
        OpenApiParameter("changes", int, deprecated=True, description="The old name of `change_seq`."),
    ],
    responses={
        200: s.ChangesSerializer,
        304: NOT_MODIFIED,
        400: ErrorSerializer,
        401: ErrorSerializer,
        404: ErrorSerializer,
    },
)
@gate.api_answers_not_modified_from_cache(
    lambda user_id, public_id: tokens.conversation_key(public_id, user_id)
)
@api_view(["GET"])
def conversation_changes(request, public_id: str):
    """What changed in the conversation since the app's ``after`` (newest message id it has) and
    ``change_seq`` (the change seq it has seen; ``changes``, its old name, is still read): up to a page of
    new messages, the messages changed since (edited, deleted, reacted to, offer decided; those from
    ``after`` back to the oldest the app may hold; at most about a page too), the conversation as it is
    now, and ``change_seq``, the change seq this answer covers: the next poll sends it back (not
    ``conversation.change_seq``, which a cut list has not reached) with ``after`` = its newest message id.
    ``has_more`` (either list was cut): ask again at once.
    Reading is not marking read: a background sync sends no read receipt; ``POST .../read/`` does. It
    is delivering: the new messages from the other participant turn "delivered" for them. The
    answer's ETag goes back in If-None-Match; 304 while nothing changed."""
    token, conversation = access.access_conversation_with_token(user=request.user, public_id=public_id)
    after = api.query_int(request, "after") or 0
    change_seq = api.query_int(request, change_seq_name(request.query_params))
    limit = settings.MARKETPLACE_MESSAGES_PAGE_SIZE
    messages, has_more, _at = selectors.message_list_after(
        conversation=conversation, after_id=after, limit=limit
    )
    services.conversation_mark_delivered(conversation=conversation, user=request.user, messages=messages)
    changed, cut = [], False
    if change_seq is not None:
        changed, cut = selectors.message_list_changed(
            conversation=conversation, since_change_seq=change_seq, from_id=0, up_to_id=after, limit=limit
        )
    # Where the next poll resumes: a cut list never splits a change seq, so everything up to its highest
    # is here; uncut, everything up to the conversation's (read before the messages: a change that lands
    # meanwhile is sent again, never skipped).
    covered = changed[-1].change_seq if cut else conversation.change_seq
    rendered = s.serialize_messages(request, conversation, [*messages, *changed])
    body = {
        "messages": rendered[: len(messages)],
        "has_more": has_more or cut,
        "changed": rendered[len(messages) :],
        "change_seq": covered,
        "conversation": s.ConversationDetailSerializer(conversation, context={"viewer": request.user}).data,
    }
    response = Response(body)
    # Also when cut: the ETag names this cursor's answer, and the next request (the next cursor) is
    # another one, so the rest is never answered 304.
    response["ETag"] = gate.etag(request.user.pk, token, request.query_params)
    return gate.mark_revalidate(response)


@extend_schema(
    parameters=[IF_NONE_MATCH],
    responses={200: s.ListChangesSerializer, 304: NOT_MODIFIED, 401: ErrorSerializer},
)
@gate.api_answers_not_modified_from_cache(lambda user_id: tokens.list_key(user_id))
@api_view(["GET"])
def list_changes(request):
    """The chat list's first page and the unread badge, with an ETag: poll it with If-None-Match and get
    304 until something in the user's list changes (a message, a read, a snapshot). The rows' last
    messages count as delivered."""
    token = tokens.read(tokens.list_key(request.user.pk))
    size = settings.MARKETPLACE_CONVERSATIONS_PAGE_SIZE
    conversations = list(selectors.conversation_list_for_user(user=request.user)[:size])
    services.conversations_mark_delivered(user=request.user, conversations=conversations)
    body = {
        "unread_conversations": selectors.unread_conversation_count(user=request.user),
        "conversations": conversations,
    }
    response = Response(s.ListChangesSerializer(body, context={"viewer": request.user}).data)
    response["ETag"] = gate.etag(request.user.pk, token, request.query_params)
    return gate.mark_revalidate(response)
