"""The conversation list pane."""

from __future__ import annotations

import json

from django.conf import settings
from django.http import HttpRequest
from django.template.loader import render_to_string

from chat import selectors
from chat.delivery import fragments, tokens
from chat.forms import ListQueryForm

PAGE_TEMPLATE = "chat/page.html"


def list_pane(request: HttpRequest, *, active_public_id: str = "") -> dict:
    """Return the conversation list pane's context: ``conversation_list_html`` (one page of rows, the
    older-page cursor and the poll token, from the fragment cache when nothing changed), ``list_token``
    and what the page around it needs. Query parameters: ``ad`` (public id), ``filter`` (a
    ``LIST_FILTERS`` key), ``before`` (the keyset cursor)."""
    query = ListQueryForm.read(request.GET)
    ad_public_id, list_filter, raw_before = query["ad"], query["filter"], query["before_raw"]
    context = {
        "active_public_id": active_public_id,
        "filter_ad_public_id": ad_public_id,
        "list_filter": list_filter,
        # One ad's buyers are all "selling" conversations: Buying and Selling mean nothing there.
        "list_filters": [
            (key, label)
            for key, (label, _) in selectors.LIST_FILTERS.items()
            if not (ad_public_id and key in ("buying", "selling"))
        ],
    }
    page_size = settings.MARKETPLACE_CONVERSATIONS_PAGE_SIZE

    def load(token: str) -> tuple[str, dict | None, list]:
        """The fragment key, the cached fragment if any, else one page of rows (+1 to see more)."""
        fragment_key = fragments.key(
            "list", request.user.pk, token, list_filter, ad_public_id, raw_before, active_public_id
        )
        cached = fragments.get(fragment_key)
        if cached is not None:
            return fragment_key, cached, []
        rows = selectors.conversation_list_for_user(
            user=request.user,
            list_filter=list_filter,
            ad_public_id=ad_public_id,
            before=query["before"],
        )[: page_size + 1]
        return fragment_key, None, list(rows)

    list_token, (fragment_key, cached, rows) = tokens.read_before(tokens.list_key(request.user.pk), load)
    context["list_token"] = list_token  # the header badge reuses it (selectors.unread_badge)
    if cached is not None:
        context.update(conversation_list_html=cached["html"], filter_ad_title=cached["filter_ad_title"])
        return context
    context.update(_list_rows(request, rows, list_token=list_token, query=query, active=active_public_id))
    html = render_to_string(f"{PAGE_TEMPLATE}#conversation-list", context, request=request)
    fragments.put(fragment_key, html, filter_ad_title=context["filter_ad_title"])
    context["conversation_list_html"] = html
    return context


def _list_rows(request: HttpRequest, rows: list, *, list_token: str, query: dict, active: str) -> dict:
    """Return the list's context for *rows* (one page, +1 to see more): ``conversations``,
    ``filter_ad_title``, ``next_cursor`` (the older page's keyset cursor, "" on the last page) and
    ``list_poll_vals`` (the list poll's token, user key and the list's own parameters, as JSON)."""
    page_size = settings.MARKETPLACE_CONVERSATIONS_PAGE_SIZE
    next_cursor = ""
    if len(rows) > page_size:
        rows = rows[:page_size]
        last = rows[-1]
        next_cursor = f"{int(last.my_last_message_at.timestamp() * 1_000_000)}_{last.id}"
    list_query = {"active": active, "ad": query["ad"], "before": query["before_raw"]}
    poll_vals = {
        "token": list_token,
        "user_key": tokens.user_poll_key(request.user.pk),
        **{key: value for key, value in list_query.items() if value},
    }
    return {
        "conversations": rows,
        "filter_ad_title": rows[0].ad_title if query["ad"] and rows else "",
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
