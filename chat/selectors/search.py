"""Search in a user's own conversations."""

from __future__ import annotations

from django.contrib.postgres.search import SearchQuery, SearchVectorField
from django.db import connection
from django.db.models import F, FilteredRelation, Func, Q

from accounts.models import User
from chat.models import Conversation, Message
from chat.selectors.conversations import conversation_list_for_user


class MessageDocument(Func):
    """``to_tsvector('english', body)``: the exact expression of the GIN index ``message_body_fts_idx``."""

    template = "to_tsvector('english'::regconfig, %(expressions)s)"
    output_field = SearchVectorField()


SEARCH_RESULTS_LIMIT = 30


def message_search_for_user(*, user: User, text: str, limit: int = SEARCH_RESULTS_LIMIT) -> list[Message]:
    """Return up to *limit* messages matching *text* in *user*'s conversations, newest first.

    Only conversations *user* takes part in, only messages after history they hid, never a deleted or
    removed message, and only the current text of an edited one. On PostgreSQL
    this is full-text search (English stemming, web-search syntax: quotes, ``-word``, ``or``) served by the
    GIN index ``message_body_fts_idx``; elsewhere every word must appear as a substring. One query,
    with the conversation and both participants joined.
    """
    text = text.strip()[:200]
    if not text:
        return []
    queryset = Message.objects.annotate(
        membership=FilteredRelation(
            "conversation__participants", condition=Q(conversation__participants__user=user)
        )
    ).filter(
        # One filter() call: a second one across the relation would join the participant table again.
        Q(membership__user=user)
        & Q(removed_by_moderator_at__isnull=True, deleted_at__isnull=True)
        & (Q(membership__hidden_up_to__isnull=True) | Q(id__gt=F("membership__hidden_up_to")))
    )
    if connection.vendor == "postgresql":
        queryset = queryset.annotate(document=MessageDocument("body")).filter(
            document=SearchQuery(text, config="english", search_type="websearch")
        )
    else:
        for word in text.split()[:8]:
            queryset = queryset.filter(body__icontains=word)
    return list(
        queryset.select_related("conversation__buyer", "conversation__seller").order_by("-created_at", "-id")[
            :limit
        ]
    )


def conversation_search_for_user(*, user: User, text: str) -> list[Conversation]:
    """Return *user*'s conversations whose ad title or other participant's name contains *text*."""
    text = text.strip()[:200]
    if not text:
        return []
    matches = (
        Q(ad_title__icontains=text)
        | (Q(buyer__display_name__icontains=text) & ~Q(buyer=user))
        | (Q(seller__display_name__icontains=text) & ~Q(seller=user))
    )
    return list(
        conversation_list_for_user(user=user, list_filter=None).filter(matches)[:SEARCH_RESULTS_LIMIT]
    )


IN_CONVERSATION_RESULTS_LIMIT = 50


def message_search_in_conversation(
    *, conversation: Conversation, text: str, limit: int = IN_CONVERSATION_RESULTS_LIMIT
) -> list[Message]:
    """Return up to *limit* messages of *conversation* matching *text*, newest first, for the participant
    whose view *conversation* carries (``my_hidden_up_to_id`` from ``chat.access``: nothing from history
    they hid). Never a deleted or removed message; notices match by their stored English text.

    Full-text search on PostgreSQL (the GIN index ``message_body_fts_idx``, web-search syntax), every
    word as a substring elsewhere, as ``message_search_for_user``. One query, however long the history.
    """
    text = text.strip()[:200]
    if not text:
        return []
    queryset = Message.objects.filter(
        conversation_id=conversation.pk, removed_by_moderator_at__isnull=True, deleted_at__isnull=True
    )
    hidden_up_to = getattr(conversation, "my_hidden_up_to_id", None)
    if hidden_up_to:
        queryset = queryset.filter(id__gt=hidden_up_to)
    if connection.vendor == "postgresql":
        queryset = queryset.annotate(document=MessageDocument("body")).filter(
            document=SearchQuery(text, config="english", search_type="websearch")
        )
    else:
        for word in text.split()[:8]:
            queryset = queryset.filter(body__icontains=word)
    return list(queryset.order_by("-created_at", "-id")[:limit])
