"""Organising one's own chats: pins, labels, and the chat settings page (sound, privacy, muted
conversations, labels). Every change is a CSRF-protected POST that answers with a redirect (htmx swaps the
list from it); non-participants get the same 404 as a missing conversation."""

from __future__ import annotations

from django.contrib import messages as flash
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import reswap, retarget

from accounts import services as account_services
from chat import access, presenters, selectors, services
from chat.forms import ChatSettingsForm, ConversationLabelsForm, LabelForm
from chat.models import LABEL_NAME_MAX_LENGTH, LABELS_PER_USER, PIN_SLOTS
from marketplace.http import HtmxHttpRequest, login_required, safe_next_url

SETTINGS_TEMPLATE = "chat/settings.html"


@login_required
@require_POST
def conversation_pin(request: HtmxHttpRequest, public_id: str) -> HttpResponse:
    """Pin (``pinned=1``) or unpin (``pinned=0``) the conversation at the top of the user's list, then go
    to ``next`` (a local URL; default: the conversation). Over the limit: the reason as a flash message, or
    with htmx swapped into the list's status line (``#list-status``)."""
    conversation = access.access_conversation(public_id=public_id, user=request.user)
    pinned = request.POST.get("pinned", "1") == "1"
    next_url = safe_next_url(request, request.POST.get("next")) or conversation.get_absolute_url()
    try:
        services.conversation_set_pinned(conversation=conversation, user=request.user, pinned=pinned)
    except ValidationError as error:
        text = " ".join(error.messages)
        if request.htmx:
            return reswap(retarget(HttpResponse(text), "#list-status"), "innerHTML")
        flash.error(request, text)
        return redirect(next_url)
    if not request.htmx:
        flash.success(request, _("Pinned to the top of your chats.") if pinned else _("Unpinned."))
    return redirect(next_url)


@login_required
@require_http_methods(["GET", "POST"])
def conversation_labels(request: HtmxHttpRequest, public_id: str) -> HttpResponse:
    """Show (GET) and change (POST ``labels`` = label ids, ``new_label`` = a name to create and put on) the
    user's own labels on the conversation; back to the conversation when saved, the form with the reason
    (400) when not."""
    conversation = access.access_conversation(public_id=public_id, user=request.user)
    labels, on = selectors.labels_for_user(user=request.user, conversation_ids=[conversation.id])
    current = [label.id for label in on.get(conversation.id, [])]
    form = ConversationLabelsForm(request.POST or None, labels=labels, initial={"labels": current})
    if request.method == "POST" and form.is_valid():
        try:
            chosen = list(form.cleaned_data["labels"])
            if form.cleaned_data["new_label"]:
                chosen.append(
                    services.label_create(user=request.user, name=form.cleaned_data["new_label"]).id
                )
            services.conversation_set_labels(conversation=conversation, user=request.user, label_ids=chosen)
        except ValidationError as error:
            form.add_error("new_label" if error.code != "label_unknown" else None, error)
        else:
            flash.success(request, _("Labels saved."))
            return redirect(conversation)
    context = {
        "form": form,
        "conversation": conversation,
        "other": conversation.other_participant(request.user),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "chat/labels.html", context, status=status)


def _settings_page(
    request: HtmxHttpRequest, *, form=None, label_form=None, status: int = 200
) -> HttpResponse:
    """Render the chat settings page with these forms (fresh ones for those not given)."""
    user = request.user
    labels, _on = selectors.labels_for_user(user=user)
    context = {
        "form": form
        or ChatSettingsForm(
            initial={
                "chat_sound": user.chat_sound,
                "share_read_receipts": user.share_read_receipts,
                "share_last_seen": user.share_last_seen,
                "email_unread_messages": user.email_unread_messages,
            }
        ),
        "label_form": label_form or LabelForm(),
        "labels": labels,
        "labels_per_user": LABELS_PER_USER,
        "label_name_max_length": LABEL_NAME_MAX_LENGTH,
        "pin_slots": PIN_SLOTS,
        "muted": selectors.conversation_list_muted(user=user),
        # The away message and quick replies sections (their forms post to chat.views.replies).
        **presenters.reply_settings_context(user),
    }
    return render(request, SETTINGS_TEMPLATE, context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def chat_settings(request: HtmxHttpRequest) -> HttpResponse:
    """The chat settings page: the new-message sound, read receipts, last online, unread emails, the
    language, muted conversations (each with "Unmute"), the archive and the user's labels. POST saves the
    preferences (``ChatSettingsForm``)."""
    if request.method == "POST":
        form = ChatSettingsForm(request.POST)
        if not form.is_valid():
            return _settings_page(request, form=form, status=400)
        account_services.user_update_profile(
            user=request.user, display_name=request.user.display_name, **form.cleaned_data
        )
        flash.success(request, _("Chat settings saved."))
        return redirect("chat:settings")
    return _settings_page(request)


@login_required
@require_POST
def label_create(request: HtmxHttpRequest) -> HttpResponse:
    """Create a label (``name``) from the chat settings page; the page with the reason (400) when refused."""
    form = LabelForm(request.POST)
    if form.is_valid():
        try:
            label = services.label_create(user=request.user, name=form.cleaned_data["name"])
        except ValidationError as error:
            form.add_error("name", error)
        else:
            flash.success(request, _("Label “%(name)s” created.") % {"name": label.name})
            return redirect(reverse("chat:settings") + "#labels")
    return _settings_page(request, label_form=form, status=400)


@login_required
@require_POST
def label_delete(request: HtmxHttpRequest, label_id: int) -> HttpResponse:
    """Delete one of the user's labels (it leaves every conversation it was on); 404 for any other id."""
    if not services.label_delete(user=request.user, label_id=label_id):
        raise Http404("No such label.")
    flash.success(request, _("Label deleted."))
    return redirect(reverse("chat:settings") + "#labels")
