"""The live side of the chat: typing pings and presence (the event stream is ``chat.delivery.stream``).

Typing is a hint on top of the polls (``chat.delivery.hints``): with hints off, typing pings do nothing, and
presence still refreshes.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from chat import access, presence, presenters
from marketplace.http import HtmxHttpRequest, login_required


@login_required
@require_POST
def conversation_typing(request: HtmxHttpRequest, public_id: str) -> HttpResponse:
    """Tell the other participant's open pages that the viewer is typing (``chat.presence.typing_ping``
    says when). Always 204 (Http404 for non-participants)."""
    conversation = access.access_conversation(user=request.user, public_id=public_id)
    presence.typing_ping(conversation=conversation, user=request.user)
    return HttpResponse(status=204)


@login_required
@require_GET
def participant_presence(request: HtmxHttpRequest, public_id: str) -> HttpResponse:
    """Return the other participant's status ("online", "last seen 5 minutes ago") for the open
    conversation's presence poll. Http404 for non-participants."""
    token, conversation = access.access_conversation_with_token(user=request.user, public_id=public_id)
    context = presenters.participant_context(request, conversation, token=token)
    return render(request, f"{presenters.PAGE_TEMPLATE}#participant-status", context)
