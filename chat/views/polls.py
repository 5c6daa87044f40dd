"""The polls: the conversation list, the open conversation and the header badge.

Each is marked ``answers_nothing_new_from_cache``: a poll whose token is still current is answered 204 by
``chat.delivery.gate`` before sessions load. What reaches these views has something to deliver.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from chat import access, presenters, responses, selectors
from chat.delivery import tokens
from chat.delivery.gate import answers_nothing_new_from_cache
from chat.forms import MessageCursorForm
from marketplace.http import HtmxHttpRequest


@require_GET
@answers_nothing_new_from_cache(lambda user_id: tokens.list_key(user_id))
def conversation_list_poll(request: HtmxHttpRequest) -> HttpResponse:
    """Answer the list's poll (``token``, ``user_key``, and the list's own ``active``/``ad``/``before``):
    the re-rendered list with the header badge out of band. The rows' last messages count as delivered."""
    context = presenters.list_pane(request, active_public_id=request.GET.get("active", "")[:10])
    responses.deliver_list(request, context)
    context["badge"] = selectors.unread_badge(
        user=request.user, list_token=context["list_token"], count=context["badge_count"]
    )
    return render(request, f"{presenters.PAGE_TEMPLATE}#list-poll-response", context)


@require_GET
@answers_nothing_new_from_cache(lambda user_id, public_id: tokens.conversation_key(public_id, user_id))
def conversation_poll(request: HtmxHttpRequest, public_id: str) -> HttpResponse:
    """Answer the open conversation's poll (``after`` = newest message id shown, ``read_up_to`` = the
    other participant's read pointer as shown, ``change_seq`` = the conversation's change seq as shown
    (``changes``, its old name, is read too), ``earliest`` = the oldest message id shown or 0, ``offers`` =
    1 when the offer form is shown, ``token``, ``user_key``).

    For a logged-in participant: the new messages to append (at most a page), and out-of-band updates
    of the cursor, the token, the ad snapshot, read receipts, messages edited, deleted or reacted to since
    ``change_seq``, and the other participant's "last seen". Delivered messages count as read.
    """
    token, conversation = access.access_conversation_with_token(user=request.user, public_id=public_id)
    cursor = MessageCursorForm.read_cursor(request.GET)
    return responses.render_new_messages(request, conversation, token=token, cursor=cursor)


@require_GET
@answers_nothing_new_from_cache(lambda user_id: tokens.list_key(user_id))
def unread_badge_poll(request: HtmxHttpRequest) -> HttpResponse:
    """Refresh the header's unread badge on pages without a chat list (user + one count on a partial
    index)."""
    badge = selectors.unread_badge(user=request.user)
    return render(request, "base.html#unread-badge", {"badge": badge, "badge_polls": True})
