"""The live side of the chat: typing pings and presence (the event stream is ``chat.delivery.stream``).

Typing is a hint on top of the polls (``chat.delivery.hints``): with hints off, typing pings do nothing, and
presence still refreshes.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from chat import access, presenters
from chat.delivery import hints
from marketplace.http import HtmxHttpRequest, login_required


@login_required
@require_POST
def conversation_typing(request: HtmxHttpRequest, public_id: str) -> HttpResponse:
    """Tell the other participant's open pages that the viewer is typing (a ``typing-<public id>`` event,
    no text). Only when both share "when I was last online", neither blocked the other and push is on;
    at most one event per MARKETPLACE_TYPING_PING_S seconds per person and conversation. Always 204
    (Http404 for non-participants)."""
    conversation = access.access_conversation(user=request.user, public_id=public_id)
    other = conversation.other_participant(request.user)
    allowed = (
        hints.enabled()
        and request.user.share_last_seen
        and other.share_last_seen
        and not (conversation.i_blocked_other or conversation.other_blocked_me)
    )
    throttle_key = f"chat:typing:{conversation.public_id}:{request.user.pk}"
    if allowed and cache.add(throttle_key, 1, timeout=settings.MARKETPLACE_TYPING_PING_S):
        hints.typing(public_id=conversation.public_id, to_user_id=other.pk)
    return HttpResponse(status=204)


@login_required
@require_GET
def participant_presence(request: HtmxHttpRequest, public_id: str) -> HttpResponse:
    """Return the other participant's status ("online", "last seen 5 minutes ago") for the open
    conversation's presence poll. Http404 for non-participants."""
    token, conversation = access.access_conversation_with_token(user=request.user, public_id=public_id)
    context = presenters.participant_context(request, conversation, token=token)
    return render(request, f"{presenters.PAGE_TEMPLATE}#participant-status", context)
