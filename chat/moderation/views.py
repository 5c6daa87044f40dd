"""The users' side of moderation: reporting a conversation, a message, an ad or a review."""

from __future__ import annotations

from django.contrib import messages as flash
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods

from accounts.selectors import is_moderator
from ads import selectors as ad_selectors
from chat import access, responses, selectors
from chat.forms import MessageCursorForm
from chat.moderation import selectors as moderation_selectors
from chat.moderation import services
from chat.moderation.forms import ReportForm
from marketplace import idempotency
from marketplace.http import HtmxHttpRequest, login_required
from marketplace.requests import guarded


@login_required
@require_http_methods(["GET", "POST"])
def conversation_report(request: HtmxHttpRequest, public_id: str) -> HttpResponse:
    """Report the conversation, or one of the other person's messages (``?message=<id>``), with a reason.

    GET shows the form; POST files the report (optionally blocking too) and returns to the conversation;
    a repeat of a filed report (same ``idempotency_key``) answers the same and files nothing.
    A bad form comes back with the typed text (400); the ``report_by_user`` limit answers 429 with
    Retry-After. Non-participants, and a message that is not the other person's text, get 404.
    """
    conversation = access.access_conversation(public_id=public_id, user=request.user)
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
    context = _report_context(
        request,
        form,
        conversation=conversation,
        other=other,
        reported_message=message,
        back_url=conversation.get_absolute_url(),
    )
    return _report_form(
        request,
        context,
        lambda key: services.report_create(
            reporter=request.user,
            conversation=conversation,
            message=message,
            reason=form.cleaned_data["reason"],
            details=form.cleaned_data["details"],
            block=form.cleaned_data["block"],
            idempotency_key=key,
        ),
        back=conversation.get_absolute_url(),
    )


def _report_form(request: HtmxHttpRequest, context: dict, file, *, back: str) -> HttpResponse:
    """Show the report form (GET) or file the report with ``file(idempotency_key)`` (POST) and go *back*
    with a thank-you; a repeat of a filed report (same key) files nothing and is not rate limited. A bad
    form comes back with the typed text (400); ``report_by_user`` answers 429 with Retry-After."""
    form = context["form"]
    if request.method != "POST":
        return render(request, "chat/report.html", context)
    outcome = None
    if form.is_valid():
        outcome = guarded(
            request,
            rule="report_by_user",
            repeat=lambda key: services.report_exists(reporter=request.user, idempotency_key=key),
            call=file,
        )
        if outcome.ok:
            thanks = gettext("Thank you. A moderator will look at your report.")
            if form.cleaned_data.get("block"):
                thanks += " " + gettext("You blocked them too.")
            flash.success(request, thanks)
            return redirect(back)
        form.add_error(None, outcome.refusal)
    response = render(request, "chat/report.html", context, status=400)
    return outcome.respond(response) if outcome else response


def _report_context(request: HtmxHttpRequest, form, **subject) -> dict:
    # A refused report keeps its key (nothing was filed with it).
    return {"form": form, "report_key": idempotency.key_to_render(request.POST), **subject}


@login_required
@require_http_methods(["GET", "POST"])
def ad_report(request: HtmxHttpRequest, public_id: str) -> HttpResponse:
    """Report an ad ("Report this ad" on its page) with a reason, as for conversations; back to the ad.
    Anyone logged in but the owner (404: the owner has nothing to report here); rules as for
    ``conversation_report``."""
    ad = ad_selectors.ad_get_for_viewer(public_id=public_id, user=request.user)
    if ad.owner_id == request.user.pk:
        raise Http404("Your own ad.")
    form = ReportForm(request.POST or None, with_block=False)
    context = _report_context(request, form, reported_ad=ad, back_url=ad.get_absolute_url())
    return _report_form(
        request,
        context,
        lambda key: services.report_ad_create(
            reporter=request.user,
            ad=ad,
            reason=form.cleaned_data["reason"],
            details=form.cleaned_data["details"],
            idempotency_key=key,
        ),
        back=ad.get_absolute_url(),
    )


@login_required
@require_http_methods(["GET", "POST"])
def review_report(request: HtmxHttpRequest, review_id: int) -> HttpResponse:
    """Report a published review (its "Report review" link on the profile); back to the profile. Anyone
    logged in but its author; others' unpublished or hidden reviews are 404."""
    review = selectors.review_get_reportable(review_id=review_id, user=request.user)
    back = reverse("profiles:detail", args=[review.subject.public_id])
    form = ReportForm(request.POST or None, with_block=False)
    context = _report_context(request, form, reported_review=review, back_url=back)
    return _report_form(
        request,
        context,
        lambda key: services.report_review_create(
            reporter=request.user,
            review=review,
            reason=form.cleaned_data["reason"],
            details=form.cleaned_data["details"],
            idempotency_key=key,
        ),
        back=back,
    )


@require_GET
def message_photo(request: HtmxHttpRequest, public_id: str, photo_id: int, variant: str) -> HttpResponse:
    """Serve a chat photo (``variant`` "full" or "thumb") to a moderator with grounds to read the
    conversation, exactly as for its messages: a report on it, or their logged "read the messages"
    action. Full-size views are recorded in the moderation log (thumbnails appear only on the case page
    and beside the logged messages). Everyone else gets 404, as for a missing photo.
    """
    if (
        variant not in responses.PHOTO_VARIANTS
        or not request.user.is_authenticated
        or not is_moderator(request.user)
    ):
        raise Http404("No such photo.")
    photo = selectors.message_photo_get(public_id=public_id, photo_id=photo_id)
    conversation = photo.message.conversation
    if not moderation_selectors.moderator_may_read(moderator=request.user, conversation=conversation):
        raise Http404("No such photo.")
    if variant == "full":
        services.photo_view_logged(photo=photo, moderator=request.user)
    return responses.photo_response(photo, variant)
