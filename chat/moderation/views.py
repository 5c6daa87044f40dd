"""The participant's side of moderation: reporting a conversation or a message."""

from __future__ import annotations

from django.contrib import messages as flash
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from accounts.selectors import is_moderator
from chat import selectors
from chat.forms import MessageCursorForm
from chat.moderation import selectors as moderation_selectors
from chat.moderation import services
from chat.moderation.forms import ReportForm
from chat.views.photos import PHOTO_VARIANTS, photo_response
from marketplace import idempotency
from marketplace.http import HtmxHttpRequest, login_required
from marketplace.ratelimits import RateLimited, check_rate_limit, with_retry_after


@login_required
@require_http_methods(["GET", "POST"])
def conversation_report(request: HtmxHttpRequest, public_id: str) -> HttpResponse:
    """Report the conversation, or one of the other person's messages (``?message=<id>``), with a reason.

    GET shows the form; POST files the report (optionally blocking too) and returns to the conversation;
    a repeat of a filed report (same ``idempotency_key``) answers the same and files nothing.
    A bad form comes back with the typed text (400); the ``report_by_user`` limit answers 429 with
    Retry-After. Non-participants, and a message that is not the other person's text, get 404.
    """
    conversation = selectors.conversation_get_for_participant(public_id=public_id, user=request.user)
    other = conversation.other_participant(request.user)
    message_id = MessageCursorForm.read(request.GET, "message")
    if message_id is None:
        message_id = MessageCursorForm.read(request.POST, "message")
    message = None
    if message_id is not None:
        message = selectors.message_get_reportable(
            conversation=conversation, message_id=message_id, user=request.user
        )
    form = ReportForm(request.POST or None)
    context = {
        "form": form,
        "conversation": conversation,
        "other": other,
        "reported_message": message,
        # A refused report keeps its key (nothing was filed with it).
        "report_key": idempotency.key_to_render(request.POST),
    }
    if request.method != "POST":
        return render(request, "chat/report.html", context)
    limited = None
    if form.is_valid():
        try:
            key = idempotency.read_key(request.POST)
            if not services.report_exists(reporter=request.user, idempotency_key=key):
                check_rate_limit(request, "report_by_user")
            services.report_create(
                reporter=request.user,
                conversation=conversation,
                message=message,
                reason=form.cleaned_data["reason"],
                details=form.cleaned_data["details"],
                block=form.cleaned_data["block"],
                idempotency_key=key,
            )
        except RateLimited as error:
            limited = error
            form.add_error(None, error.message)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            blocked = " You blocked them too." if form.cleaned_data["block"] else ""
            flash.success(request, f"Thank you. A moderator will look at your report.{blocked}")
            return redirect(conversation)
    return with_retry_after(render(request, "chat/report.html", context, status=400), limited)


@require_GET
def message_photo(request: HtmxHttpRequest, public_id: str, photo_id: int, variant: str) -> HttpResponse:
    """Serve a chat photo (``variant`` "full" or "thumb") to a moderator with grounds to read the
    conversation, exactly as for its messages: a report on it, or their logged "read the messages"
    action. Full-size views are recorded in the moderation log (thumbnails appear only on the case page
    and beside the logged messages). Everyone else gets 404, as for a missing photo.
    """
    if variant not in PHOTO_VARIANTS or not request.user.is_authenticated or not is_moderator(request.user):
        raise Http404("No such photo.")
    photo = selectors.message_photo_get(public_id=public_id, photo_id=photo_id)
    conversation = photo.message.conversation
    if not moderation_selectors.moderator_may_read(moderator=request.user, conversation=conversation):
        raise Http404("No such photo.")
    if variant == "full":
        services.photo_view_logged(photo=photo, moderator=request.user)
    return photo_response(photo, variant)
