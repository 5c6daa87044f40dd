"""Chat pages, polls and actions. Every conversation URL answers 404 to non-participants."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.contrib import messages as flash
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import reswap, retarget

from accounts import services as account_services
from ads.models import Ad
from ads.views import render_ad_detail_with_error
from chat import fragments, moderation, poll_tokens, selectors, services
from chat.forms import (
    BUYER_QUICK_REPLIES,
    SELLER_QUICK_REPLIES,
    MessageForm,
    ReportForm,
    StartConversationForm,
)
from chat.models import Conversation, Message, MessagePhoto, Offer
from chat.safety import safety_notes
from marketplace.http import HtmxHttpRequest, login_required
from marketplace.ratelimits import RateLimited, check_rate_limit

PAGE_TEMPLATE = "chat/page.html"
# conversation_start refusals that are about the ad, not the typed text.
REFUSAL_CODES = {"own_ad", "ad_unavailable"}


def _with_retry_after(response: HttpResponse, limited: RateLimited | None) -> HttpResponse:
    """Turn an error response into 429 + Retry-After (seconds) when a rate limit caused it."""
    if limited is not None:
        response.status_code = 429
        response["Retry-After"] = str(limited.retry_after_s)
    return response


def _parse_int(value: str | None) -> int | None:
    try:
        number = int(value) if value else None
    except (TypeError, ValueError):
        return None
    return number if number is not None and number >= 0 else None


def _parse_list_cursor(value: str | None) -> tuple[datetime, int] | None:
    """Parse the list's "older conversations" cursor ``<microseconds>_<id>``; None when malformed."""
    try:
        micros, conversation_id = (value or "").split("_")
        moment = datetime.fromtimestamp(int(micros) / 1_000_000, tz=UTC)
        return moment, int(conversation_id)
    except (ValueError, OverflowError, OSError):
        return None


def _list_context(request: HtmxHttpRequest, *, active_public_id: str = "") -> dict:
    """Build the conversation list pane: ``conversation_list_html`` (one page of rows, the older-page cursor
    and the poll stamp, from the fragment cache when nothing changed) and what the page around it needs."""
    ad_public_id = request.GET.get("ad", "")[:10]
    list_filter = request.GET.get("filter", "all")
    if list_filter not in selectors.LIST_FILTERS:
        list_filter = "all"
    raw_before = request.GET.get("before", "")[:40]
    context = {
        "active_public_id": active_public_id,
        "filter_ad_public_id": ad_public_id,
        "list_filter": list_filter,
        "list_filters": [(key, label) for key, (label, _) in selectors.LIST_FILTERS.items()],
    }
    # The token is read before the rows: a change landing in between shows up at the next poll.
    list_version = poll_tokens.read(poll_tokens.list_key(request.user.pk))
    fragment_key = fragments.key(
        "list", request.user.pk, list_version, list_filter, ad_public_id, raw_before, active_public_id
    )
    cached = fragments.get(fragment_key)
    if cached is not None:
        context.update(conversation_list_html=cached["html"], filter_ad_title=cached["filter_ad_title"])
        return context
    page_size = settings.MARKETPLACE_CONVERSATIONS_PAGE_SIZE
    rows = list(
        selectors.conversation_list_for_user(
            user=request.user,
            list_filter=list_filter,
            ad_public_id=ad_public_id,
            before=_parse_list_cursor(raw_before),
        )[: page_size + 1]
    )
    next_cursor = ""
    if len(rows) > page_size:
        rows = rows[:page_size]
        last = rows[-1]
        next_cursor = f"{int(last.my_last_message_at.timestamp() * 1_000_000)}_{last.id}"
    list_query = {"active": active_public_id, "ad": ad_public_id, "before": raw_before}
    poll_vals = {
        "v": list_version,
        "k": poll_tokens.user_poll_key(request.user.pk),
        **{key: value for key, value in list_query.items() if value},
    }
    context.update(
        conversations=rows,
        filter_ad_title=rows[0].ad_title if ad_public_id and rows else "",
        next_cursor=next_cursor,
        list_poll_vals=json.dumps(poll_vals),
    )
    html = render_to_string(f"{PAGE_TEMPLATE}#conversation-list", context, request=request)
    fragments.put(fragment_key, html, filter_ad_title=context["filter_ad_title"])
    context["conversation_list_html"] = html
    return context


def _attach_photos(messages: list[Message]) -> None:
    """Set ``message.photo_list`` on each message: one query, and none when no message has photos."""
    with_photos = [message.id for message in messages if message.photo_count]
    by_message: dict[int, list[MessagePhoto]] = {}
    if with_photos:
        for photo in MessagePhoto.objects.filter(message_id__in=with_photos).order_by("position", "id"):
            by_message.setdefault(photo.message_id, []).append(photo)
    for message in messages:
        message.photo_list = by_message.get(message.id, [])


def _message_rows(messages: list[Message], *, viewer_id: int, previous: datetime | None = None) -> list[dict]:
    """Pair each message with its local day, whether a day separator goes before it, and its local time
    (``iso`` for ``datetime=``, ``clock`` as shown), and the safety notes the viewer gets next to the other
    person's text messages (``chat.safety``; the message itself is shown unchanged)."""
    _attach_photos(messages)
    rows = []
    previous_day = timezone.localdate(previous) if previous else None
    for message in messages:
        local = timezone.localtime(message.created_at)
        day = local.date()
        rows.append(
            {
                "message": message,
                "day": day,
                "new_day": day != previous_day,
                # Formatted here, once: template date filters cost ~20 µs each, 50 messages a page.
                "iso": local.isoformat(),
                "clock": local.strftime("%H:%M"),
                "safety_notes": safety_notes(message.body)
                if message.sender_id != viewer_id
                and message.kind == Message.Kind.TEXT
                and message.removed_by_moderator_at is None
                else (),
            }
        )
        previous_day = day
    return rows


def answers_nothing_new_from_cache(key_for):
    """Mark a poll view as answerable from the cache: ``chat.middleware.NothingNewPollMiddleware`` answers
    204 before sessions, authentication and CSRF run when the client's ``v`` is the current token of
    ``key_for(user_id, **view_kwargs)``; otherwise the view runs as a normal logged-in request.

    The user id comes from the signed ``k`` parameter (``poll_tokens.user_poll_key``); a missing or forged
    ``k`` simply means the full path.
    """

    def decorator(view):
        protected = login_required(view)
        protected.poll_token_key = key_for
        return protected

    return decorator


@login_required
@require_GET
def conversation_list(request: HtmxHttpRequest) -> HttpResponse:
    """Show the user's conversations (``?ad=<public id>`` narrows to one ad, ``?before=`` pages back)."""
    context = _list_context(request)
    return render(request, PAGE_TEMPLATE, context)


@login_required
@require_GET
def conversation_search(request: HtmxHttpRequest) -> HttpResponse:
    """Search the user's own conversations (``q``): message text, ad titles and the other person's name.

    Results link to the message in its conversation. Nothing from conversations the user is not in, or
    from history they deleted, is ever searched.
    """
    query = request.GET.get("q", "").strip()[:200]
    context = _list_context(request)
    context.update(
        {
            "search_query": query,
            "message_hits": selectors.message_search_for_user(user=request.user, text=query),
            "conversation_hits": selectors.conversation_search_for_user(user=request.user, text=query),
        }
    )
    return render(request, PAGE_TEMPLATE, context)


@require_GET
@answers_nothing_new_from_cache(lambda user_id: poll_tokens.list_key(user_id))
def conversation_list_poll(request: HtmxHttpRequest) -> HttpResponse:
    """Answer the list's poll: 204 from the cache when ``v`` is the list's current token (no SQL query),
    else the re-rendered list with the header badge out of band.
    """
    context = _list_context(request, active_public_id=request.GET.get("active", "")[:10])
    context["badge"] = selectors.unread_badge(user=request.user)
    return render(request, f"{PAGE_TEMPLATE}#list-poll-response", context)


def _conversation_token(request: HtmxHttpRequest, public_id: str) -> str:
    """The viewer's poll token for conversation *public_id*; read it before reading the conversation."""
    return poll_tokens.read(poll_tokens.conversation_key(public_id, request.user.pk))


def _participant_context(request: HtmxHttpRequest, conversation: Conversation, *, version: str) -> dict:
    """What the viewer may see of the other participant: presence and read receipts (both reciprocal).

    *version* is the conversation's poll token, read before the conversation was (see ``poll_tokens``).
    """
    other = conversation.other_participant(request.user)
    receipts = request.user.share_read_receipts and other.share_read_receipts
    return {
        "conversation": conversation,
        "other": other,
        "quick_replies": SELLER_QUICK_REPLIES
        if conversation.seller_id == request.user.pk
        else BUYER_QUICK_REPLIES,
        "show_last_seen": request.user.share_last_seen and other.share_last_seen,
        "show_receipts": receipts,
        # Own messages with an id up to this one are read by the other participant (✓✓).
        "read_up_to": (conversation.other_last_read_id or 0) if receipts else 0,
        "version": version,
        "poll_user_key": poll_tokens.user_poll_key(request.user.pk),
        # Once per page: each of the other person's messages links to it with ?message=<id>, and photos
        # are fetched from <conversation>/photos/<id>/<variant>/.
        "report_url": f"{conversation.get_absolute_url()}report/",
        "photos_url": f"{conversation.get_absolute_url()}photos/",
    }


def _conversation_context(
    request: HtmxHttpRequest,
    conversation: Conversation,
    *,
    version: str,
    before: int | None,
    at: int | None = None,
) -> dict:
    """Build the open conversation's context: the participant state and ``messages_html`` (one page of
    messages, with "Load earlier" when there is more), from the fragment cache when nothing changed."""
    context = _participant_context(request, conversation, version=version)
    context["viewing_earlier"] = (at if at is not None else before) is not None
    csrf_secret = request.META.get("CSRF_COOKIE", "")  # offer cards carry forms with this viewer's token
    fragment_key = fragments.key(
        "messages",
        request.user.pk,
        conversation.public_id,
        version,
        before,
        at,
        csrf_secret,
        context["show_receipts"],
        context["read_up_to"],
    )
    cached = fragments.get(fragment_key) if csrf_secret else None
    if cached is not None:
        context.update(messages_html=cached["html"], cursor=cached["cursor"])
        return context
    messages, has_earlier = selectors.message_page(
        conversation=conversation,
        limit=settings.MARKETPLACE_MESSAGES_PAGE_SIZE,
        before_message_id=at if at is not None else before,
        inclusive=at is not None,
    )
    context.update(
        message_rows=_message_rows(messages, viewer_id=request.user.pk),
        has_earlier=has_earlier,
        earliest_message_id=messages[0].id if messages else None,
        # The poll cursor is the newest message the page shows (the conversation's last visible one).
        cursor=messages[-1].id
        if messages and not context["viewing_earlier"]
        else (conversation.last_message_id or 0),
    )
    html = render_to_string(f"{PAGE_TEMPLATE}#earlier-messages", context, request=request)
    if csrf_secret:
        # A pending offer's card changes with time alone (countdown, then "expired").
        pending = [
            message.offer.expires_at
            for message in messages
            if message.offer_id and message.offer.status == Offer.Status.PENDING
        ]
        valid_until = min([*pending, timezone.now() + timedelta(seconds=60)]) if pending else None
        fragments.put(fragment_key, html, valid_until=valid_until, cursor=context["cursor"])
    context["messages_html"] = html
    return context


@login_required
@require_GET
def conversation_detail(request: HtmxHttpRequest, public_id: str) -> HttpResponse:
    """Show the list and the active conversation; ``?before=<message id>`` shows an earlier page and
    ``?at=<message id>`` the page ending with that message (a search result in its context).

    Opening the conversation advances the read pointer to its last message. With htmx and ``before``
    only the earlier messages are returned (prepended by "Load earlier messages").
    """
    # The poll token is read before the conversation and its messages (see chat.poll_tokens).
    version = _conversation_token(request, public_id)
    conversation = selectors.conversation_get_for_participant(public_id=public_id, user=request.user)
    before = _parse_int(request.GET.get("before"))
    at = _parse_int(request.GET.get("at"))
    context = _conversation_context(request, conversation, version=version, before=before, at=at)
    if request.htmx and before is not None:
        return HttpResponse(context["messages_html"])
    _mark_read(conversation, request.user)
    context.update(_list_context(request, active_public_id=conversation.public_id))
    context["form"] = MessageForm()
    return render(request, PAGE_TEMPLATE, context)


def _mark_read(conversation: Conversation, user) -> None:
    if conversation.last_message_id:
        _mark_read_up_to(conversation, user, conversation.last_message_id)


def _render_new_messages(
    request: HtmxHttpRequest, conversation: Conversation, *, after: int, version: str
) -> HttpResponse:
    """Render messages after the client's cursor, with out-of-band updates of the cursor and stamp."""
    new_messages = list(selectors.message_list_after(conversation=conversation, after_id=after))
    previous = (
        Message.objects.filter(conversation=conversation, id=after)
        .values_list("created_at", flat=True)
        .first()
        if after
        else None
    )
    if new_messages:
        _mark_read_up_to(conversation, request.user, new_messages[-1].id)
    # Offer cards already on the page whose state a new notice changed are re-rendered out of band.
    changed_offers = {
        message.offer_id: message.offer
        for message in new_messages
        if message.kind == Message.Kind.SYSTEM and message.offer
    }
    context = {
        **_participant_context(request, conversation, version=version),
        "changed_offers": list(changed_offers.values()),
        "message_rows": _message_rows(new_messages, viewer_id=request.user.pk, previous=previous),
        "cursor": new_messages[-1].id if new_messages else after,
        "version": version,
        "badge": selectors.unread_badge(user=request.user),
    }
    return render(request, f"{PAGE_TEMPLATE}#poll-response", context)


def _mark_read_up_to(conversation: Conversation, user, message_id: int) -> None:
    if (conversation.my_last_read_id or 0) < message_id:
        services.conversation_mark_read(conversation=conversation, user=user, up_to_message_id=message_id)


@require_GET
@answers_nothing_new_from_cache(lambda user_id, public_id: poll_tokens.conversation_key(public_id, user_id))
def conversation_poll(request: HtmxHttpRequest, public_id: str) -> HttpResponse:
    """Answer the open conversation's poll (``after`` = newest message id shown, ``v`` = token, ``k`` = the
    signed user key).

    Nothing new: 204 from the cache, no SQL query, no template. Otherwise, for a logged-in participant, the
    new messages to append, and out-of-band updates of the cursor, the token, the ad snapshot, read
    receipts and the other participant's "last seen". Delivered messages count as read.
    """
    version = _conversation_token(request, public_id)
    conversation = selectors.conversation_get_for_participant(public_id=public_id, user=request.user)
    after = _parse_int(request.GET.get("after")) or 0
    return _render_new_messages(request, conversation, after=after, version=version)


@login_required
@require_POST
def message_send(request: HtmxHttpRequest, public_id: str) -> HttpResponse:
    """Send a message. htmx: append it (and anything newer than ``after``) at once; else redirect.

    An invalid body, a block or the ``message_by_user`` rate limit re-renders the composer with the
    reason and the typed text (htmx: 200 retargeted to the composer; without JavaScript: the whole page
    with status 400, or 429 with Retry-After for the rate limit).
    """
    conversation = selectors.conversation_get_for_participant(public_id=public_id, user=request.user)
    form = MessageForm(request.POST, request.FILES)
    after = _parse_int(request.POST.get("after")) or 0
    message = None
    limited = None
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
        else:
            conversation.my_last_read_id = message.id  # the service advanced the sender's read pointer
    if message is None:
        typed = request.POST.get("body", "")
        if request.htmx:
            response = render(
                request,
                f"{PAGE_TEMPLATE}#composer",
                {
                    **_participant_context(request, conversation, version=request.POST.get("v", "")),
                    "form": form,
                    "typed": typed,
                    "cursor": after,
                },
            )
            return reswap(retarget(response, "#composer"), "outerHTML")
        version = _conversation_token(request, public_id)
        context = _conversation_context(request, conversation, version=version, before=None)
        context.update(_list_context(request, active_public_id=conversation.public_id))
        context.update({"form": form, "typed": typed})
        return _with_retry_after(render(request, PAGE_TEMPLATE, context, status=400), limited)
    if request.htmx:
        # Read after the send committed and before the messages after the cursor are.
        version = _conversation_token(request, public_id)
        return _render_new_messages(request, conversation, after=after, version=version)
    return redirect(f"{conversation.get_absolute_url()}#message-{message.id}")


@login_required
@require_POST
def conversation_delete(request: HtmxHttpRequest, public_id: str) -> HttpResponse:
    """Delete the conversation from the user's own view (see ``services.conversation_hide``)."""
    conversation = selectors.conversation_get_for_participant(public_id=public_id, user=request.user)
    services.conversation_hide(conversation=conversation, user=request.user)
    flash.success(request, "Conversation deleted. The other participant still has their copy.")
    return redirect("chat:list")


@login_required
@require_POST
def conversation_block(request: HtmxHttpRequest, public_id: str) -> HttpResponse:
    """Block the other participant of the conversation (see ``accounts.services.user_block``)."""
    conversation = selectors.conversation_get_for_participant(public_id=public_id, user=request.user)
    other = conversation.other_participant(request.user)
    account_services.user_block(blocker=request.user, blocked=other)
    flash.success(
        request,
        f"You blocked {other.display_name}. They can't write to you; the conversation is kept. "
        "You can unblock them under “Blocked users” on your profile.",
    )
    return redirect(conversation)


@login_required
@require_http_methods(["GET", "POST"])
def conversation_report(request: HtmxHttpRequest, public_id: str) -> HttpResponse:
    """Report the conversation, or one of the other person's messages (``?message=<id>``), with a reason.

    GET shows the form; POST files the report (optionally blocking too) and returns to the conversation.
    A bad form comes back with the typed text (400); the ``report_by_user`` limit answers 429.
    """
    conversation = selectors.conversation_get_for_participant(public_id=public_id, user=request.user)
    other = conversation.other_participant(request.user)
    message = None
    message_id = _parse_int(request.GET.get("message") or request.POST.get("message"))
    if message_id is not None:
        message = get_object_or_404(
            Message, pk=message_id, conversation=conversation, sender=other, kind=Message.Kind.TEXT
        )
    form = ReportForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                check_rate_limit(request, "report_by_user")
                moderation.report_create(
                    reporter=request.user,
                    conversation=conversation,
                    message=message,
                    reason=form.cleaned_data["reason"],
                    details=form.cleaned_data["details"],
                    block=form.cleaned_data["block"],
                )
            except RateLimited as limited:
                form.add_error(None, limited.message)
                response = render(
                    request,
                    "chat/report.html",
                    {"form": form, "conversation": conversation, "other": other, "reported_message": message},
                    status=400,
                )
                return _with_retry_after(response, limited)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                blocked = " You blocked them too." if form.cleaned_data["block"] else ""
                flash.success(request, f"Thank you. A moderator will look at your report.{blocked}")
                return redirect(conversation)
    context = {"form": form, "conversation": conversation, "other": other, "reported_message": message}
    return render(request, "chat/report.html", context, status=status)


@login_required
@require_POST
def offer_make(request: HtmxHttpRequest, public_id: str) -> HttpResponse:
    """Make an offer (buyer). Success shows the conversation with the offer card; a refused amount
    re-renders the page with the error and the typed amount (status 400; 429 for the rate limit).
    """
    conversation = selectors.conversation_get_for_participant(public_id=public_id, user=request.user)
    typed = request.POST.get("amount", "")[:30]
    limited = None
    try:
        check_rate_limit(request, "message_by_user")  # an offer is a message in the thread
        offer = services.offer_make(conversation=conversation, buyer=request.user, amount=typed)
    except (RateLimited, ValidationError) as error:
        if isinstance(error, RateLimited):
            limited, reason = error, error.message
        elif error.code != "offer_amount":
            flash.error(request, " ".join(error.messages))
            return redirect(conversation)
        else:
            reason = " ".join(error.messages)
        _mark_read(conversation, request.user)
        version = _conversation_token(request, public_id)
        context = _conversation_context(request, conversation, version=version, before=None)
        context.update(_list_context(request, active_public_id=conversation.public_id))
        context.update({"form": MessageForm(), "offer_error": reason, "offer_typed": typed})
        return _with_retry_after(render(request, PAGE_TEMPLATE, context, status=400), limited)
    return redirect(f"{conversation.get_absolute_url()}#offer-{offer.id}")


OFFER_ACTIONS = {
    "accept": services.offer_accept,
    "decline": services.offer_decline,
    "withdraw": services.offer_withdraw,
}


@login_required
@require_POST
def offer_act(request: HtmxHttpRequest, public_id: str, offer_id: int, action: str) -> HttpResponse:
    """Accept or decline (seller) or withdraw (buyer) an offer; a refused action says why."""
    conversation = selectors.conversation_get_for_participant(public_id=public_id, user=request.user)
    offer = get_object_or_404(Offer, pk=offer_id, conversation=conversation)
    perform = OFFER_ACTIONS.get(action)
    if perform is None:
        raise Http404("No such action.")
    actor = {"withdraw": "buyer"}.get(action, "seller")
    try:
        perform(offer=offer, **{actor: request.user})
    except ValidationError as error:
        flash.error(request, " ".join(error.messages))
    return redirect(f"{conversation.get_absolute_url()}#offer-{offer.id}")


@login_required
@require_POST
def conversation_mark_unread(request: HtmxHttpRequest, public_id: str) -> HttpResponse:
    """Mark the conversation unread for the user and go back to the list (opening it would read it)."""
    conversation = selectors.conversation_get_for_participant(public_id=public_id, user=request.user)
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
    conversation = selectors.conversation_get_for_participant(public_id=public_id, user=request.user)
    archived = request.POST.get("archived", "1") == "1"
    services.conversation_set_archived(conversation=conversation, user=request.user, archived=archived)
    if archived:
        flash.success(
            request, "Archived. It comes back when a new message arrives; find it under “Archived”."
        )
        return redirect("chat:list")
    flash.success(request, "Moved back to your chats.")
    return redirect(conversation)


@require_GET
@answers_nothing_new_from_cache(lambda user_id: poll_tokens.list_key(user_id))
def unread_badge_poll(request: HtmxHttpRequest) -> HttpResponse:
    """Refresh the header's unread badge on pages without a chat list: 204 from the cache when ``v`` is
    still the user's list token (no SQL), else the badge (user + one count on a partial index).
    """
    badge = selectors.unread_badge(user=request.user)
    return render(request, "base.html#unread-badge", {"badge": badge, "badge_polls": True})


def _check_start_rate_limits(request: HtmxHttpRequest, ad: Ad) -> bool:
    """Count a "Write to seller" against the limits: a new conversation counts against
    ``conversation_by_user`` (and ``conversation_by_new_user`` for accounts younger than
    MARKETPLACE_NEW_ACCOUNT_S); writing again in an existing one is a message (``message_by_user``).
    Return True when this starts a new conversation. Raises RateLimited."""
    if Conversation.objects.filter(buyer=request.user, seller_id=ad.owner_id, ad=ad).exists():
        check_rate_limit(request, "message_by_user")
        return False
    check_rate_limit(request, "conversation_by_user")
    account_age = timezone.now() - request.user.date_joined
    if account_age.total_seconds() < settings.MARKETPLACE_NEW_ACCOUNT_S:
        check_rate_limit(request, "conversation_by_new_user")
    return True


@login_required
@require_POST
def conversation_start(request: HtmxHttpRequest, ad_public_id: str) -> HttpResponse:
    """ "Write to seller": send the first message about an ad and open the conversation.

    Reuses the existing conversation for (buyer, seller, ad). A refused text (empty, too long), a block
    or a rate limit re-renders the ad page with the reason and the typed text (status 400; 429 with
    Retry-After for a rate limit); a refused ad (own, sold, removed) redirects back with the reason as a
    flash message.
    """
    ad = get_object_or_404(Ad.objects.with_card_data(), public_id=ad_public_id)
    form = StartConversationForm(request.POST)
    if form.is_valid():
        try:
            is_new = _check_start_rate_limits(request, ad)
        except RateLimited as limited:
            form.add_error("body", limited.message)
            return _with_retry_after(render_ad_detail_with_error(request, ad, form), limited)
        body = form.cleaned_data["body"]
        if is_new and ad.owner_id != request.user.pk and ad.status == Ad.Status.ACTIVE:
            if moderation.should_hold_first_message(sender=request.user, body=body):
                moderation.held_message_create(sender=request.user, ad=ad, body=body)
                flash.info(
                    request,
                    "You sent this same message to several sellers, so it is waiting for a moderator's "
                    "review. It will be delivered if it's fine; you don't need to send it again.",
                )
                return redirect(ad)
        try:
            conversation, message = services.conversation_start(buyer=request.user, ad=ad, body=body)
        except ValidationError as error:
            if error.code not in REFUSAL_CODES:
                # A block (or a body rule): shown above the text, which stays in the box.
                form.add_error("body", error)
                return render_ad_detail_with_error(request, ad, form)
            # Not about the text: say why on the ad page (or the list, when the ad is gone).
            flash.error(request, " ".join(error.messages))
            if ad.status == Ad.Status.REMOVED and ad.owner_id != request.user.pk:
                return redirect("ads:list")
            return redirect(ad)
        return redirect(f"{conversation.get_absolute_url()}#message-{message.id}")
    return render_ad_detail_with_error(request, ad, form)


@require_GET
def message_photo(request: HtmxHttpRequest, public_id: str, photo_id: int, variant: str) -> HttpResponse:
    """Serve a chat photo (``variant`` "full" or "thumb") to the conversation's participants and moderators.

    Everyone else, logged in or not, gets 404: the URL says nothing about whether the photo exists. A photo
    of a message removed by a moderator is shown only to moderators.
    """
    if variant not in ("full", "thumb") or not request.user.is_authenticated:
        raise Http404("No such photo.")
    photo = (
        MessagePhoto.objects.select_related("message__conversation")
        .filter(pk=photo_id, message__conversation__public_id=public_id)
        .first()
    )
    if photo is None:
        raise Http404("No such photo.")
    conversation = photo.message.conversation
    participant_may_see = (
        request.user.pk in (conversation.buyer_id, conversation.seller_id)
        and not photo.message.removed_by_moderator_at
    )
    if not (participant_may_see or moderation.is_moderator(request.user)):
        raise Http404("No such photo.")
    stored = photo.image if variant == "full" else photo.thumbnail
    response = FileResponse(stored.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=86400"
    return response
