"""The conversation list pane."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse

from chat import selectors
from chat.delivery import fragments, tokens
from chat.forms import ListQueryForm
from chat.models import Conversation

PAGE_TEMPLATE = "chat/page.html"


def list_pane(request: HttpRequest, *, active_public_id: str = "") -> dict:
    """Return the conversation list pane's context: ``conversation_list_html`` (the pinned conversations on
    the first page, one page of the others, the user's labels to filter by, the older-page cursor and the
    poll token, from the fragment cache when nothing changed), ``list_token`` and what the page around it
    needs. Query parameters: ``ad`` (public id), ``filter`` (a ``LIST_FILTERS`` key), ``label`` (one of the
    user's label ids), ``before`` (the keyset cursor)."""
    query = ListQueryForm.read(request.GET)
    ad_public_id, list_filter, raw_before = query["ad"], query["filter"], query["before_raw"]
    context = {
        "active_public_id": active_public_id,
        "filter_ad_public_id": ad_public_id,
        "list_filter": list_filter,
        "list_label_id": query["label"],
        # One ad's buyers are all "selling" conversations: Buying and Selling mean nothing there.
        "list_filters": [
            (key, label)
            for key, (label, _) in selectors.LIST_FILTERS.items()
            if not (ad_public_id and key in ("buying", "selling"))
        ],
    }

    # The rows' pin buttons are forms: their CSRF tokens are masked forms of the secret.
    csrf_secret = fragments.csrf_secret(request)

    def load(token: str) -> tuple[str, dict | None, list, int | None]:
        """The fragment key, the cached fragment if any, else the rows to render, and the header badge's
        count: it changes only with the list token, so it is stored with the fragment (None when an older
        fragment has none: the badge then counts)."""
        fragment_key = fragments.key(
            "list",
            request.user.pk,
            token,
            list_filter,
            ad_public_id,
            raw_before,
            active_public_id,
            query["label"],
            csrf_secret,
        )
        cached = fragments.get(fragment_key) if csrf_secret else None
        if cached is not None:
            return fragment_key, cached, {}, cached.get("badge_count")
        badge_count = selectors.unread_conversation_count(user=request.user)
        return fragment_key, None, _load_rows(request.user, query), badge_count

    list_token, (fragment_key, cached, rows, badge_count) = tokens.read_before(
        tokens.list_key(request.user.pk), load
    )
    # The header badge reuses both (selectors.unread_badge): no token read, no count query of its own.
    context.update(list_token=list_token, badge_count=badge_count)
    if cached is not None:
        context.update(conversation_list_html=cached["html"], filter_ad_title=cached["filter_ad_title"])
        return context
    context.update(_list_rows(request, rows, list_token=list_token, query=query, active=active_public_id))
    html = render_to_string(f"{PAGE_TEMPLATE}#conversation-list", context, request=request)
    if csrf_secret:
        fragments.put(fragment_key, html, filter_ad_title=context["filter_ad_title"], badge_count=badge_count)
    context["conversation_list_html"] = html
    return context


def _load_rows(user, query: dict) -> dict:
    """Return ``{"rows": one page (+1 to see more) of the unpinned conversations, "pinned": the pinned ones
    (first page only, else []), "labels": the user's labels}``, each row with ``my_labels``: two queries
    (the rows; the labels and the pinned ids), a third for the pinned rows when there are any, whatever the
    number of conversations."""
    page_size = settings.MARKETPLACE_CONVERSATIONS_PAGE_SIZE
    common = {
        "user": user,
        "list_filter": query["filter"],
        "ad_public_id": query["ad"],
        "label_id": query["label"],
    }
    rows = list(
        selectors.conversation_list_for_user(**common, before=query["before"], pinned=False)[: page_size + 1]
    )
    labels, on, pinned_ids = selectors.labels_and_pins_for_list(
        user=user, conversation_ids=[row.id for row in rows], pins=not query["before"]
    )
    pinned = list(selectors.conversation_list_for_user(**common, pinned=True)) if pinned_ids else []
    for row in rows + pinned:
        row.my_labels = on.get(row.id, [])
    return {"rows": rows, "pinned": pinned, "labels": labels}


def _list_rows(request: HttpRequest, loaded: dict, *, list_token: str, query: dict, active: str) -> dict:
    """Return the list's context for *loaded* (``_load_rows``): ``conversations``, ``pinned_conversations``,
    ``labels``, ``list_label`` (the label filtered by, or None), ``filter_ad_title``, ``next_cursor`` (the
    older page's keyset cursor, "" on the last page) and ``list_poll_vals`` (the list poll's token, user
    key and the list's own parameters, as JSON)."""
    page_size = settings.MARKETPLACE_CONVERSATIONS_PAGE_SIZE
    rows, next_cursor = loaded["rows"], ""
    if len(rows) > page_size:
        rows = rows[:page_size]
        last = rows[-1]
        next_cursor = f"{int(last.my_last_message_at.timestamp() * 1_000_000)}_{last.id}"
    list_query = {
        "active": active,
        "ad": query["ad"],
        "before": query["before_raw"],
        "filter": query["filter"] if query["filter"] != "all" else "",
        "label": str(query["label"] or ""),
    }
    poll_vals = {
        "token": list_token,
        "user_key": tokens.user_poll_key(request.user.pk),
        **{key: value for key, value in list_query.items() if value},
    }
    shown = rows or loaded["pinned"]
    return_query = urlencode({key: list_query[key] for key in ("filter", "label", "ad") if list_query[key]})
    return {
        # Where the rows' pin buttons come back to: this list (its first page), or the open conversation.
        "list_return_url": Conversation(public_id=active).get_absolute_url()
        if active
        else reverse("chat:list") + (f"?{return_query}" if return_query else ""),
        "conversations": rows,
        "pinned_conversations": loaded["pinned"],
        "labels": loaded["labels"],
        "list_label": next((label for label in loaded["labels"] if label.id == query["label"]), None),
        "filter_ad_title": shown[0].ad_title if query["ad"] and shown else "",
        "next_cursor": next_cursor,
        "list_poll_vals": json.dumps(poll_vals),
    }


def search_results(*, user, query: str) -> dict:
    """Return the chat search's context for *query*: ``message_hits`` (up to SEARCH_RESULTS_LIMIT, newest
    first), ``more_messages`` (more matched than shown), ``conversation_hits`` (conversations whose ad title
    or other person's name matched) and ``conversations_found``: the conversations anything was found in,
    those of the messages included, so the summary never says "2 messages · 0 conversations"."""
    limit = selectors.SEARCH_RESULTS_LIMIT
    messages = selectors.message_search_for_user(user=user, text=query, limit=limit + 1)
    conversations = selectors.conversation_search_for_user(user=user, text=query)
    found_in = {row.pk for row in conversations} | {hit.conversation_id for hit in messages[:limit]}
    return {
        "message_hits": messages[:limit],
        "more_messages": len(messages) > limit,
        "conversation_hits": conversations,
        "conversations_found": len(found_in),
    }
