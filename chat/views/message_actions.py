"""Actions on a message already sent: edit, delete for everyone, react, and the composer's reply/edit mode.

Each works without JavaScript (a form post, then a redirect back to the message) and with htmx (the
answer is what a poll would bring: the messages changed since the page's change seq, out of band).
"""

from __future__ import annotations

from dataclasses import replace

from django.contrib import messages as flash
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import reswap, retarget

from chat import access, presenters, responses, selectors, services
from chat.errors import refusal_text
from chat.forms import MessageCursorForm, MessageEditForm, MessageForm, ReactionForm
from chat.models import Conversation, Message
from marketplace import idempotency
from marketplace.http import HtmxHttpRequest, login_required
from marketplace.ratelimits import RateLimited, check_rate_limit


@login_required
@require_GET
def composer(request: HtmxHttpRequest, public_id: str) -> HttpResponse:
    """Return the composer alone (htmx), in reply (``?reply=<message id>``) or edit (``?edit=<id>``) mode
    or plain, keeping the text typed so far (``body``) unless it starts an edit. The page's links to this
    carry a real ``href`` (the conversation page with the same parameters) for use without JavaScript."""
    token, conversation = access.access_conversation_with_token(user=request.user, public_id=public_id)
    reply, edit = MessageCursorForm.read(request.GET, "reply", "edit")
    context = {
        **presenters.participant_context(request, conversation, token=token),
        "form": MessageForm(),
        "typed": request.GET.get("body", "")[:4000],
        "composer_key": idempotency.new_key(),
        **presenters.composer_mode(request, conversation, reply=reply, edit=edit),
    }
    return render(request, f"{presenters.PAGE_TEMPLATE}#composer", context)


def _target(request: HtmxHttpRequest, public_id: str, message_id: int) -> tuple[str, Conversation, Message]:
    """Return ``(poll token, conversation, message)`` for the viewer; Http404 unless they can see it."""
    token, conversation = access.access_conversation_with_token(user=request.user, public_id=public_id)
    message = selectors.message_get_for_participant(conversation=conversation, message_id=message_id)
    return token, conversation, message


def _changes_since_page(
    request: HtmxHttpRequest, conversation: Conversation, *, token: str, changed: bool, **extra
):
    """Render, for an htmx message action, what changed since the page's change seq (``change_seq``,
    ``after`` and ``earliest`` from the POST) out of band, with *extra* context. *changed*: the action
    changed a message, so the conversation row (read before it) gets the current change seq."""
    # Receipts are the poll's to bring: an action answers with what changed, not with what was read.
    cursor = replace(MessageCursorForm.read_cursor(request.POST), read_up_to=None)
    if changed:
        conversation.change_seq = selectors.conversation_change_seq(conversation=conversation)
    return responses.render_new_messages(request, conversation, token=token, cursor=cursor, **extra)


def _answer(
    request: HtmxHttpRequest, conversation: Conversation, *, token: str, message_id: int, error: str = ""
) -> HttpResponse:
    """Answer a message action: htmx gets what changed since the page's change seq out of band, plus
    *error* in the page's alert slot (an empty one hides it); without JavaScript, a redirect back to the
    message, with *error* as a flash message."""
    if request.htmx:
        return _changes_since_page(request, conversation, token=token, changed=not error, action_error=error)
    if error:
        flash.error(request, error)
    return redirect(f"{conversation.get_absolute_url()}#message-{message_id}")


@login_required
@require_POST
def message_edit(request: HtmxHttpRequest, public_id: str, message_id: int) -> HttpResponse:
    """Replace the text of the viewer's own message (``body``; see ``services.message_edit``).

    htmx: the changed message out of band and a plain composer; a refusal (window over, block, bad text,
    the ``message_action_by_user`` rate limit) re-renders the composer in edit mode with the reason and the
    typed text. Without JavaScript: a redirect to the message, or the page with the composer in edit mode
    and the reason (status 400).
    """
    token, conversation, message = _target(request, public_id, message_id)
    form = MessageEditForm(request.POST)
    form.is_valid()  # one optional text field: always valid
    typed = form.cleaned_data.get("body", "")
    try:
        check_rate_limit(request, "message_action_by_user")
        services.message_edit(message=message, editor=request.user, body=typed)
    except (RateLimited, ValidationError, PermissionDenied) as error:
        refused = {
            "composer_mode": "edit",
            "composer_target": message,
            "composer_editing": True,
            "composer_error": refusal_text(error),
            "typed": typed,
        }
        if request.htmx:
            context = {
                **presenters.participant_context(request, conversation, token=token),
                **refused,
                "form": MessageForm(),
                "composer_key": idempotency.key_to_render(request.POST),
            }
            response = render(request, f"{presenters.PAGE_TEMPLATE}#composer", context)
            return reswap(retarget(response, "#composer"), "outerHTML")
        return responses.render_conversation_page(request, conversation, token=token, status=400, **refused)
    if request.htmx:
        return _changes_since_page(
            request,
            conversation,
            token=token,
            changed=True,
            sent=True,
            form=MessageForm(),
            composer_key=idempotency.new_key(),
            action_error="",
        )
    return redirect(f"{conversation.get_absolute_url()}#message-{message.id}")


@login_required
@require_POST
def message_delete(request: HtmxHttpRequest, public_id: str, message_id: int) -> HttpResponse:
    """Delete the viewer's own message for both participants (see ``services.message_delete``); refusals
    (window over, block, the ``message_action_by_user`` rate limit) are shown next to the messages."""
    token, conversation, message = _target(request, public_id, message_id)
    error = ""
    try:
        check_rate_limit(request, "message_action_by_user")
        services.message_delete(message=message, user=request.user)
    except (RateLimited, ValidationError, PermissionDenied) as refused:
        error = refusal_text(refused)
    return _answer(request, conversation, token=token, message_id=message.id, error=error)


@login_required
@require_POST
def message_react(request: HtmxHttpRequest, public_id: str, message_id: int) -> HttpResponse:
    """Set (``add=<emoji>``) or take back (``remove=<emoji>``) the viewer's reaction to a message (see
    ``services.message_react``); refusals are shown next to the messages."""
    token, conversation, message = _target(request, public_id, message_id)
    form = ReactionForm(request.POST)
    error = ""
    try:
        if not form.is_valid():
            raise ValidationError(services.ERROR_MESSAGES["reaction_unknown"], code="reaction_unknown")
        emoji, on = form.wanted()
        check_rate_limit(request, "message_action_by_user")
        services.message_react(message=message, user=request.user, emoji=emoji, on=on)
    except (RateLimited, ValidationError, PermissionDenied) as refused:
        error = refusal_text(refused)
    return _answer(request, conversation, token=token, message_id=message.id, error=error)
