"""The chat list, an open conversation, search, and the per-participant actions on a conversation."""

from __future__ import annotations

from django.contrib import messages as flash
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from accounts import services as account_services
from ads import presenters as ad_presenters
from ads import selectors as ad_selectors
from ads.models import Ad
from chat import access, policy, presenters, responses, services
from chat.delivery import tokens
from chat.forms import MessageCursorForm, MessageForm, StartConversationForm
from marketplace import idempotency
from marketplace.http import HtmxHttpRequest, login_required, safe_next_url
from marketplace.requests import guarded
from marketplace.sentences import sentence_format

SEARCH_NUL_ERROR = _("The search text contains a character that cannot be searched for.")
# conversation_start refusals that are about the ad, not the typed text.
REFUSAL_CODES = {"own_ad", "ad_unavailable"}


@login_required
@require_GET
def conversation_list(request: HtmxHttpRequest) -> HttpResponse:
    """Show the user's conversations (``?ad=<public id>`` narrows to one ad, ``?before=`` pages back)."""
    return responses.render_page(request, presenters.list_pane(request))


@login_required
@require_GET
def conversation_search(request: HtmxHttpRequest) -> HttpResponse:
    """Search the user's own conversations (``q``): message text, ad titles and the other person's name.

    Results link to the message in its conversation. Nothing from conversations the user is not in, or
    from history they hid, is ever searched.
    """
    query = request.GET.get("q", "").strip()[:200]
    context = presenters.list_pane(request)
    if "\x00" in query:
        # PostgreSQL cannot compare text with a NUL in it; no stored text has one (bodies refuse it).
        context.update(search_query=query.replace("\x00", ""), search_error=SEARCH_NUL_ERROR)
        context.update(message_hits=[], conversation_hits=[])
        return responses.render_page(request, context, status=400)
    context.update(search_query=query, **presenters.search_results(user=request.user, query=query))
    return responses.render_page(request, context)


@login_required
@require_GET
def conversation_detail(request: HtmxHttpRequest, public_id: str) -> HttpResponse:
    """Show the list and the active conversation; ``?before=<message id>`` shows an earlier page and
    ``?at=<message id>`` the page ending with that message (a search result in its context);
    ``?reply=<id>`` and ``?edit=<id>`` open the composer replying to or editing that message, and
    ``?counter=<offer id>`` opens the offer form (the message and offer actions' links without JavaScript);
    ``?q=`` shows the matches of a search in this conversation above the messages.

    Opening the conversation advances the read pointer to its last message. With htmx and ``before``
    only the earlier messages are returned (prepended by "Load earlier messages").
    """
    with tokens.read_ahead(
        [tokens.conversation_key(public_id, request.user.pk), tokens.list_key(request.user.pk)]
    ):
        return _conversation_detail(request, public_id)


def _conversation_detail(request: HtmxHttpRequest, public_id: str) -> HttpResponse:
    token, conversation = access.access_conversation_with_token(user=request.user, public_id=public_id)
    before, at = MessageCursorForm.read(request.GET, "before", "at")
    context = presenters.conversation_pane(request, conversation, token=token, before=before, at=at)
    if request.htmx and before is not None:
        return HttpResponse(
            presenters.earlier_page_html(
                conversation, context["messages_html"], before=before, earliest=context["earliest"]
            )
        )
    services.conversation_mark_read_if_behind(
        conversation=conversation, user=request.user, up_to_message_id=conversation.last_message_id
    )
    context.update(presenters.list_pane(request, active_public_id=conversation.public_id))
    context["form"] = MessageForm()
    reply, edit = MessageCursorForm.read(request.GET, "reply", "edit")
    context.update(presenters.composer_mode(request, conversation, reply=reply, edit=edit))
    context["offer_open"] = "counter" in request.GET
    if "q" in request.GET:
        context.update(presenters.conversation_matches(conversation, query=request.GET["q"]))
    context["conversation_pane_html"] = presenters.conversation_chrome(request, context)
    return responses.render_page(request, context)


@login_required
@require_POST
def conversation_hide(request: HtmxHttpRequest, public_id: str) -> HttpResponse:
    """Hide the conversation from the user's own view (see ``services.conversation_hide``)."""
    conversation = access.access_conversation(public_id=public_id, user=request.user)
    services.conversation_hide(conversation=conversation, user=request.user)
    flash.success(request, _("Conversation hidden. The other participant still has their copy."))
    return redirect("chat:list")


@login_required
@require_POST
def conversation_block(request: HtmxHttpRequest, public_id: str) -> HttpResponse:
    """Block the other participant of the conversation (see ``accounts.services.user_block``)."""
    conversation = access.access_conversation(public_id=public_id, user=request.user)
    other = conversation.other_participant(request.user)
    account_services.user_block(blocker=request.user, blocked=other)
    flash.success(
        request,
        sentence_format(
            _(
                "You blocked %(name)s. They can't write to you; the conversation is kept. "
                "You can unblock them under “Blocked users” on your profile."
            ),
            {"name": other.display_name},
        ),
    )
    return redirect(conversation)


@login_required
@require_POST
def conversation_mark_unread(request: HtmxHttpRequest, public_id: str) -> HttpResponse:
    """Mark the conversation unread for the user and go back to the list (opening it would read it)."""
    conversation = access.access_conversation(public_id=public_id, user=request.user)
    try:
        services.conversation_mark_unread(conversation=conversation, user=request.user)
    except ValidationError as error:
        flash.error(request, " ".join(error.messages))
        return redirect(conversation)
    return redirect("chat:list")


@login_required
@require_POST
def conversation_archive(request: HtmxHttpRequest, public_id: str) -> HttpResponse:
    """Archive (``archived=1``) or unarchive (``archived=0``) the conversation for the user only."""
    conversation = access.access_conversation(public_id=public_id, user=request.user)
    archived = request.POST.get("archived", "1") == "1"
    services.conversation_set_archived(conversation=conversation, user=request.user, archived=archived)
    if archived:
        flash.success(
            request, _("Archived. It comes back when a new message arrives; find it under “Archived”.")
        )
        return redirect("chat:list")
    flash.success(request, _("Moved back to your chats."))
    return redirect(conversation)


@login_required
@require_POST
def conversation_mute(request: HtmxHttpRequest, public_id: str) -> HttpResponse:
    """Mute (``muted=1``) or unmute (``muted=0``) this conversation's notifications on the user's devices,
    then back to ``next`` (a local URL: the chat settings page's "Unmute") or the conversation."""
    conversation = access.access_conversation(public_id=public_id, user=request.user)
    muted = request.POST.get("muted", "1") == "1"
    services.conversation_set_muted(conversation=conversation, user=request.user, muted=muted)
    flash.success(
        request, _("Notifications muted for this conversation.") if muted else _("Notifications back on.")
    )
    return redirect(safe_next_url(request, request.POST.get("next")) or conversation)


def _ad_page_with_error(request: HtmxHttpRequest, ad: Ad, form: StartConversationForm) -> HttpResponse:
    """Re-render the ad page with the "Write to seller" form's errors, typed text and key (status 400)."""
    context = {**ad_presenters.ad_detail_context(ad=ad), "start_form": form}
    return render(request, ad_presenters.AD_DETAIL_TEMPLATE, context, status=400)


def _refused_start(request: HtmxHttpRequest, ad: Ad, form: StartConversationForm, error: ValidationError):
    """Answer a refused "Write to seller": a block (or a body rule) above the kept text; a refusal about
    the ad as a flash message on the ad page (or the list, when the ad is gone)."""
    if error.code not in REFUSAL_CODES:
        form.add_error("body", error)
        if error.code == "idempotency_key_mismatch":
            # The kept text goes out with a fresh key: the posted one already sent another message.
            form.data = form.data.copy()
            form.data[idempotency.FIELD] = idempotency.new_key()
        return _ad_page_with_error(request, ad, form)
    flash.error(request, " ".join(error.messages))
    if ad.status == Ad.Status.REMOVED and ad.owner_id != request.user.pk:
        return redirect("ads:list")
    return redirect(ad)


@login_required
@require_POST
def conversation_start(request: HtmxHttpRequest, ad_public_id: str) -> HttpResponse:
    """ "Write to seller": send the first message about an ad and open the conversation.

    Reuses the existing conversation for (buyer, seller, ad). A repeat of an accepted submission (same
    ``idempotency_key``) redirects to the message the first one sent, without counting again; the same
    key with another text is refused above the kept text, with a fresh key. The real
    reason comes first: a refused ad (own, sold, removed) redirects back with the reason as a flash
    message; a block, a refused text (empty, too long) or a rate limit re-renders the ad page with the
    reason and the typed text (status 400; 429 with Retry-After for a rate limit). Only conversations
    actually created count against the new-conversation limits. A first message that a screening room
    holds (``services.conversation_first_message_held``) is not delivered, and the buyer is told it waits
    for review.
    """
    ad = ad_selectors.ad_get_any(public_id=ad_public_id)
    form = StartConversationForm(request.POST)
    if not form.is_valid():
        return _ad_page_with_error(request, ad, form)
    body = form.cleaned_data["body"]
    charge = policy.StartCharge(ad)
    outcome = guarded(
        request,
        rule=charge,
        repeat=lambda key: policy.is_repeat_start(buyer=request.user, ad=ad, idempotency_key=key),
        check=lambda: services.conversation_start_check(buyer=request.user, ad=ad),
        call=lambda key: policy.start_unless_held(charge, buyer=request.user, body=body, key=key),
    )
    if outcome.limited is not None:
        form.add_error("body", outcome.refusal)
        return outcome.respond(_ad_page_with_error(request, ad, form))
    if not outcome.ok:
        return _refused_start(request, ad, form, outcome.refusal)
    if outcome.result is None:
        flash.info(
            request,
            "You sent this same message to several sellers, so it is waiting for a moderator's "
            "review. It will be delivered if it's fine; you don't need to send it again.",
        )
        return redirect(ad)
    conversation, message = outcome.result
    return redirect(f"{conversation.get_absolute_url()}#message-{message.id}")
