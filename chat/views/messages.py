"""Sending a message."""

from __future__ import annotations

import logging
from dataclasses import replace

from django.db import DatabaseError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST
from django_htmx.http import reswap, retarget, trigger_client_event

from chat import access, policy, presenters, responses
from chat.forms import MessageCursorForm, MessageForm, read_id
from chat.models import Conversation
from marketplace import idempotency
from marketplace.http import HtmxHttpRequest, login_required

logger = logging.getLogger(__name__)


@login_required
@require_POST
def message_send(request: HtmxHttpRequest, public_id: str) -> HttpResponse:
    """Send a message (``body``, up to MARKETPLACE_PHOTOS_PER_MESSAGE ``photos``; ``after`` = the
    client's poll cursor; ``idempotency_key`` = the composer's key). htmx: append it (and anything newer
    than ``after``) and re-render the composer empty with a fresh key, out of band; without JavaScript:
    redirect to it.

    A repeat of an accepted send (same key) gets the same answer and is not charged to the rate limit;
    the same key with a different text, reply or photos is refused in place (``idempotency_key_mismatch``:
    the typed text stays, with a fresh key so pressing Send again sends it).
    An invalid body, a block or the ``message_by_user`` rate limit re-renders the composer with the
    reason, the typed text and the same key (htmx: 200 retargeted to the composer; without JavaScript:
    the whole page with status 400, or 429 with Retry-After for the rate limit).
    """
    token, conversation = access.access_conversation_with_token(user=request.user, public_id=public_id)
    form = MessageForm(request.POST, request.FILES)
    after = MessageCursorForm.read(request.POST, "after") or 0
    reply_to = read_id(request.POST.get("reply_to"))
    outcome = None
    if form.is_valid():
        outcome = policy.message_send_guarded(
            request,
            conversation=conversation,
            cleaned=form.cleaned_data,
            reply_to_id=reply_to,
        )
        if not outcome.ok:
            form.add_error("body", outcome.refusal)
    message = outcome.result if outcome else None
    # The re-rendered composer keeps the posted key (nothing was stored), or gets a fresh one when that key
    # already sent another message: the next press would fail the same.
    composer_key = outcome.key_to_render() if outcome else idempotency.key_to_render(request.POST)
    if message is None:
        typed = request.POST.get("body", "")
        # A refused reply stays a reply.
        mode = presenters.composer_mode(request, conversation, reply=reply_to, edit=None)
        if request.htmx:
            context = {
                **presenters.participant_context(request, conversation, token=token),
                **mode,
                "form": form,
                "typed": typed,
                "cursor": after,
                "composer_key": composer_key,
            }
            response = render(request, f"{presenters.PAGE_TEMPLATE}#composer", context)
            return reswap(retarget(response, "#composer"), "outerHTML")
        response = responses.render_conversation_page(
            request,
            conversation,
            token=token,
            status=400,
            form=form,
            typed=typed,
            composer_key=composer_key,
            **mode,
        )
        return outcome.respond(response) if outcome else response
    if request.htmx:
        return _render_sent(request, conversation, token=token, message_id=message.id)
    return redirect(f"{conversation.get_absolute_url()}#message-{message.id}")


def _render_sent(
    request: HtmxHttpRequest, conversation: Conversation, *, token: str, message_id: int
) -> HttpResponse:
    """Answer an accepted htmx send: the new messages and an empty composer with a fresh key.

    The message is committed, so a failure while rendering (the database or the cache going away) must
    not turn it into an error: the answer is then an empty 200 with the ``chat:sent`` event, on which
    static/js/sent-recovery.js clears the composer and polls, and the poll brings the message when it can.
    """
    try:
        # The token read before the send: the send replaced it, so the next poll takes the full path
        # once and brings anything (a read receipt, a snapshot change) that the pre-send conversation
        # row could not show. Reading it now instead would vouch for that stale row.
        # Receipts are the poll's to bring: the composer does not carry the pointer it shows.
        cursor = replace(MessageCursorForm.read_cursor(request.POST), read_up_to=None)
        return responses.render_new_messages(
            request,
            conversation,
            token=token,
            cursor=cursor,
            viewer_read_up_to=message_id,
            sent=True,
            form=MessageForm(),
            composer_key=idempotency.new_key(),
        )
    except DatabaseError:
        logger.exception("message %s stored; rendering the answer failed", message_id)
        response = reswap(HttpResponse(), "none")
        return trigger_client_event(
            response, "chat:sent", {"message_id": message_id, "key": idempotency.new_key()}
        )
