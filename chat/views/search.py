"""Search inside one conversation (the conversation menu's search box)."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from chat import access, presenters
from marketplace.http import HtmxHttpRequest, login_required


@login_required
@require_GET
def conversation_search_in(request: HtmxHttpRequest, public_id: str) -> HttpResponse:
    """Return the matches of ``q`` in the conversation as the matches panel (htmx / JavaScript), each
    linking to its place in the history; without htmx, redirect to the conversation page with ``?q=``
    (which shows the same panel). Non-participants get 404. One query for the matches."""
    conversation = access.access_conversation(user=request.user, public_id=public_id)
    query = request.GET.get("q", "")
    if not request.htmx:
        return redirect(f"{conversation.get_absolute_url()}?{urlencode({'q': query})}")
    context = {
        "conversation": conversation,
        "user": request.user,
        "other": conversation.other_participant(request.user),
        **presenters.conversation_matches(conversation, query=query),
    }
    html = render_to_string("chat/_conversation_matches.html", context, request=request)
    return HttpResponse(html)
