"""Sending a message."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST
from django_htmx.http import reswap, retarget

from chat import presenters, services
from chat.forms import MessageCursorForm, MessageForm
from chat.views.conversations import conversation_for_page, render_conversation_page
from chat.views.polls import render_new_messages
from marketplace.http import HtmxHttpRequest, login_required
from marketplace.ratelimits import RateLimited, check_rate_limit, with_retry_after


@login_required
@require_POST
def message_send(request: HtmxHttpRequest, public_id: str) -> HttpResponse:
    """Send a message (``body``, up to MARKETPLACE_PHOTOS_PER_MESSAGE ``photos``; ``after`` = the
    client's poll cursor). htmx: append it (and anything newer than ``after``) and re-render the composer
    empty, out of band; without JavaScript: redirect to it.

    An invalid body, a block or the ``message_by_user`` rate limit re-renders the composer with the
    reason and the typed text (htmx: 200 retargeted to the composer; without JavaScript: the whole page
    with status 400, or 429 with Retry-After for the rate limit).
    """
    token, conversation = conversation_for_page(request, public_id)
    form = MessageForm(request.POST, request.FILES)
    after = MessageCursorForm.read(request.POST, "after") or 0
    limited = None
    message = None
    if form.is_valid():
        try:
            check_rate_limit(request, "message_by_user")
            message = services.message_send(
                conversation=conversation,
                sender=request.user,
                body=form.cleaned_data["body"],
                photos=form.cleaned_data["photos"],
            )
        except RateLimited as error:
            limited = error
            form.add_error("body", error.message)
        except ValidationError as error:
            form.add_error("body", error)
    if message is None:
        typed = request.POST.get("body", "")
        if request.htmx:
            context = {
                **presenters.participant_context(request, conversation, token=token),
                "form": form,
                "typed": typed,
                "cursor": after,
            }
            response = render(request, f"{presenters.PAGE_TEMPLATE}#composer", context)
            return reswap(retarget(response, "#composer"), "outerHTML")
        response = render_conversation_page(
            request, conversation, token=token, status=400, form=form, typed=typed
        )
        return with_retry_after(response, limited)
    if request.htmx:
        # The token read before the send: the send replaced it, so the next poll takes the full path
        # once and brings anything (a read receipt, a snapshot change) that the pre-send conversation
        # row could not show. Reading it now instead would vouch for that stale row.
        # The composer comes back empty, out of band (``sent``).
        return render_new_messages(
            request,
            conversation,
            token=token,
            after=after,
            viewer_read_up_to=message.id,
            sent=True,
            form=MessageForm(),
        )
    return redirect(f"{conversation.get_absolute_url()}#message-{message.id}")
