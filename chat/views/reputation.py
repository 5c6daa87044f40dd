"""Reputation pages: a user's public profile, and reviewing the other participant of a conversation."""

from __future__ import annotations

from django.contrib import messages as flash
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods

from chat import access, presenters, selectors, services
from chat.errors import refusal_text
from chat.forms import ReviewForm
from marketplace.http import HtmxHttpRequest, login_required
from marketplace.requests import guarded


@require_GET
def profile(request: HtmxHttpRequest, public_id: str) -> HttpResponse:
    """Show a user's public profile: name, member since, response time, review averages and the latest
    published reviews, and their ads on sale. Open to everyone; 404 for suspended or unknown users."""
    user = selectors.profile_user_get(public_id=public_id)
    return render(request, presenters.PROFILE_TEMPLATE, presenters.profile_context(user=user))


@login_required
@require_http_methods(["GET", "POST"])
def conversation_review(request: HtmxHttpRequest, public_id: str) -> HttpResponse:
    """Review the other participant of the conversation (GET: the form, or the reason it is closed; POST
    ``reliability``, ``friendliness`` 1–5, ``text``), or change one's review while it is editable.

    Success returns to the conversation with a note; a refusal re-renders the form with the reason and
    what was typed (400; 429 with Retry-After over ``message_action_by_user``). Non-participants get 404.
    """
    conversation = access.access_conversation(public_id=public_id, user=request.user)
    other = conversation.other_participant(request.user)
    existing = selectors.review_by_author(conversation=conversation, user_id=request.user.pk)
    editable_until = services.review_editable_until(existing) if existing is not None else None
    refusal = (
        None
        if existing is not None
        else services.review_refusal(conversation=conversation, user=request.user)
    )
    initial = (
        {"reliability": existing.reliability, "friendliness": existing.friendliness, "text": existing.text}
        if existing is not None
        else None
    )
    form = ReviewForm(request.POST or None, initial=initial)
    context = {
        "conversation": conversation,
        "other": other,
        "form": form,
        "existing": existing,
        "editable_until": editable_until,
        "closed_reason": refusal_text(services.review_refusal_error(refusal)) if refusal else "",
    }
    if request.method != "POST":
        return render(request, "chat/review.html", context)
    outcome = None
    if form.is_valid():
        fields = {key: form.cleaned_data[key] for key in ("reliability", "friendliness", "text")}
        outcome = guarded(
            request,
            rule="message_action_by_user",
            call=lambda _key: (
                services.review_create(conversation=conversation, author=request.user, **fields)
                if existing is None
                else services.review_update(review=existing, author=request.user, **fields)
            ),
        )
        if outcome.ok:
            flash.success(
                request,
                gettext("Thank you. Your review of %(name)s is saved.") % {"name": other.display_name},
            )
            return redirect(conversation)
        form.add_error(None, outcome.refusal)
    response = render(request, "chat/review.html", context, status=400)
    return outcome.respond(response) if outcome else response
