"""Search inside one open conversation: the matches panel's context."""

from __future__ import annotations

from django.utils import timezone

from chat import selectors
from chat.models import Conversation


def conversation_matches(conversation: Conversation, *, query: str) -> dict:
    """Return the matches panel's context for *query* in *conversation* (as its participant sees it,
    ``chat.access``): ``in_search_query`` (the query as searched, NUL characters dropped),
    ``in_search_hits`` (newest first, each ``{"message", "iso", "when"}``) and ``in_search_limited``
    (True when there are more than shown). One query."""
    query = query.replace("\x00", "").strip()[:200]
    limit = selectors.IN_CONVERSATION_RESULTS_LIMIT
    messages = selectors.message_search_in_conversation(
        conversation=conversation, text=query, limit=limit + 1
    )
    hits = []
    for message in messages[:limit]:
        local = timezone.localtime(message.created_at)
        hits.append({"message": message, "iso": local.isoformat(timespec="seconds"), "when": local})
    return {"in_search_query": query, "in_search_hits": hits, "in_search_limited": len(messages) > limit}
