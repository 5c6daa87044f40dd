"""Page assembly for the chat: turns selector results into template context (and cached HTML fragments).

Nothing here writes: views call the services (marking read, sending) and then these functions.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from django.conf import settings
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from chat import selectors
from chat.forms import BUYER_QUICK_REPLIES, SELLER_QUICK_REPLIES, ListQueryForm
from chat.models import Conversation, Message, Offer
from chat.polling import fragments, tokens
from chat.safety import safety_notes
from marketplace import idempotency
from marketplace.http import cached_reverse

PAGE_TEMPLATE = "chat/page.html"


def list_pane(request: HttpRequest, *, active_public_id: str = "") -> dict:
    """Return the conversation list pane's context: ``conversation_list_html`` (one page of rows, the
    older-page cursor and the poll token, from the fragment cache when nothing changed), ``list_token``
    and what the page around it needs. Query parameters: ``ad`` (public id), ``filter`` (a
    ``LIST_FILTERS`` key), ``before`` (the keyset cursor)."""
    query = ListQueryForm.read(request.GET)
    ad_public_id, list_filter, raw_before = query["ad"], query["filter"], query["before_raw"]
    context = {
        "active_public_id": active_public_id,
        "filter_ad_public_id": ad_public_id,
        "list_filter": list_filter,
        "list_filters": [(key, label) for key, (label, _) in selectors.LIST_FILTERS.items()],
    }
    page_size = settings.MARKETPLACE_CONVERSATIONS_PAGE_SIZE

    def load(token: str) -> tuple[str, dict | None, list]:
        """The fragment key, the cached fragment if any, else one page of rows (+1 to see more)."""
        fragment_key = fragments.key(
            "list", request.user.pk, token, list_filter, ad_public_id, raw_before, active_public_id
        )
        cached = fragments.get(fragment_key)
        if cached is not None:
            return fragment_key, cached, []
        rows = selectors.conversation_list_for_user(
            user=request.user,
            list_filter=list_filter,
            ad_public_id=ad_public_id,
            before=query["before"],
        )[: page_size + 1]
        return fragment_key, None, list(rows)

    list_token, (fragment_key, cached, rows) = tokens.read_before(tokens.list_key(request.user.pk), load)
    context["list_token"] = list_token  # the header badge reuses it (selectors.unread_badge)
    if cached is not None:
        context.update(conversation_list_html=cached["html"], filter_ad_title=cached["filter_ad_title"])
        return context
    next_cursor = ""
    if len(rows) > page_size:
        rows = rows[:page_size]
        last = rows[-1]
        next_cursor = f"{int(last.my_last_message_at.timestamp() * 1_000_000)}_{last.id}"
    list_query = {"active": active_public_id, "ad": ad_public_id, "before": raw_before}
    poll_vals = {
        "token": list_token,
        "user_key": tokens.user_poll_key(request.user.pk),
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


def message_rows(messages: list[Message], *, viewer_id: int, previous: datetime | None = None) -> list[dict]:
    """Pair each message with its local day, whether a day separator goes before it (*previous* is the
    time of the message shown just before the first one), its local time (``iso`` for ``datetime=``,
    ``clock`` as shown) and the safety notes the viewer gets next to the other person's text messages
    (``chat.safety``; the message itself is shown unchanged). Sets ``message.photo_list`` (one query,
    none when no message has photos)."""
    photos = selectors.message_photos_for(messages)
    rows = []
    previous_day = timezone.localdate(previous) if previous else None
    for message in messages:
        message.photo_list = photos.get(message.id, [])
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


def participant_context(request: HttpRequest, conversation: Conversation, *, token: str) -> dict:
    """Return what the viewer may see of the other participant: presence and read receipts (both
    reciprocal), plus the poll's token and signed user key. *token* is the conversation's poll token,
    read before the conversation was (``tokens.read_before``)."""
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
        "poll_token": token,
        "poll_user_key": tokens.user_poll_key(request.user.pk),
        # Once per page: each of the other person's messages links to it with ?message=<id>, and photos
        # are fetched from <conversation>/photos/<id>/<variant>/.
        "report_url": cached_reverse("moderation:report", conversation.public_id),
        "photos_url": f"{conversation.get_absolute_url()}photos/",
    }


def conversation_pane(
    request: HttpRequest, conversation: Conversation, *, token: str, before: int | None, at: int | None = None
) -> dict:
    """Return the open conversation's context: the participant state and ``messages_html`` (one page of
    messages, with "Load earlier" when there is more; ``before``/``at`` are message ids), from the
    fragment cache when nothing changed, and ``cursor``, the newest message id the poll starts after."""
    context = participant_context(request, conversation, token=token)
    context["viewing_earlier"] = (at if at is not None else before) is not None
    csrf_secret = fragments.csrf_secret(request)  # offer cards carry forms
    fragment_key = fragments.key(
        "messages",
        request.user.pk,
        conversation.public_id,
        token,
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
        message_rows=message_rows(messages, viewer_id=request.user.pk),
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


def earlier_page_html(conversation: Conversation, html: str, *, before: int) -> str:
    """Return the "Load earlier" answer: the earlier page's *html*, plus an out-of-band delete of the
    day separator above message *before* when the earlier page ends on that same day (the separator
    then moves up to the earlier page's first message of the day, so each day has exactly one)."""
    shown_at = selectors.message_created_at(conversation=conversation, message_id=before)
    if shown_at is None:
        return html
    day_id = f"day-{timezone.localdate(shown_at).isoformat()}"
    if f'id="{day_id}"' not in html:
        return html
    return format_html('{}<li id="{}" hx-swap-oob="delete"></li>', html, day_id)


def new_messages(
    request: HttpRequest,
    conversation: Conversation,
    *,
    token: str,
    after: int,
    messages: list[Message],
    has_more: bool,
    cursor_at: datetime | None = None,
    shown_read_up_to: int | None = None,
) -> dict:
    """Return the context of a delivering poll (or an htmx send): *messages* after the client's cursor
    *after*, out-of-band updates of the cursor, poller, snapshot, presence, receipts and badge, and the
    offer cards a new notice changed. With *has_more* (the poll was cut at its LIMIT) the poller gets no
    token, so its next poll goes the full path and fetches the rest. *cursor_at* is the time of message
    *after* (for the day separator). *shown_read_up_to* is the other
    participant's read pointer as the page shows it: own messages read since get their receipt out of
    band (``newly_read``), the ones delivered now are rendered right anyway."""
    # Offer cards already on the page whose state a new notice changed are re-rendered out of band.
    changed_offers = {
        message.offer_id: message.offer
        for message in messages
        if message.kind == Message.Kind.SYSTEM and message.offer
    }
    context = participant_context(request, conversation, token="" if has_more else token)
    newly_read = []
    if shown_read_up_to is not None and context["show_receipts"]:
        newly_read = selectors.message_list_newly_read(
            conversation=conversation,
            sender_id=request.user.pk,
            after_id=shown_read_up_to,
            up_to_id=min(context["read_up_to"], after),
            limit=settings.MARKETPLACE_MESSAGES_PAGE_SIZE,
        )
    return {
        **context,
        "newly_read": newly_read,
        "changed_offers": list(changed_offers.values()),
        "message_rows": message_rows(messages, viewer_id=request.user.pk, previous=cursor_at),
        "cursor": messages[-1].id if messages else after,
        "badge": selectors.unread_badge(user=request.user),
    }


# Stand-ins in the cached conversation pane for the parts rendered fresh every time. User text cannot
# produce them: it is escaped ("<" becomes "&lt;").
STATUS_MARK = mark_safe("<!--chat:participant-status-->")
MESSAGES_MARK = mark_safe("<!--chat:messages-->")
# The forms' idempotency keys are fresh for every page shown, so the cached pane carries marks for them.
# Marks contain "<", which escaped user text (an ad title, a name) never does.
COMPOSER_KEY_MARK = mark_safe("<!--chat:composer-key-->")
OFFER_KEY_MARK = mark_safe("<!--chat:offer-key-->")


def conversation_chrome(request: HttpRequest, context: dict) -> SafeString:
    """Return the open conversation's pane (header and menu, ad snapshot, poller, offer form, composer)
    around ``context["messages_html"]``, with the other participant's status rendered fresh.

    Without an error or typed text to show, the pane is cached (``chat.polling.fragments``) under the
    conversation's poll token and everything else it shows that the token does not cover: the viewer, the
    CSRF secret (its forms), the archive and block flags, the other participant's read pointer the
    poller carries, whether an earlier page is shown. The status ("online", "last seen 5 minutes ago") changes
    with time alone, so it is rendered each time and put in place of STATUS_MARK. The composer's and the
    offer form's idempotency keys are ``context["composer_key"]``/``["offer_key"]`` when set (a refused
    submission keeps its key), else fresh ones.
    """
    status = render_to_string(f"{PAGE_TEMPLATE}#participant-status", context, request=request)
    conversation = context["conversation"]
    form = context.get("form")
    cacheable = not (
        context.get("typed")
        or context.get("offer_error")
        or (form is not None and form.is_bound and form.errors)
    )
    csrf_secret = fragments.csrf_secret(request)
    fragment_key = fragments.key(
        "conversation-pane",
        request.user.pk,
        conversation.public_id,
        context["poll_token"],
        csrf_secret,
        conversation.my_archived_at,
        conversation.i_blocked_other,
        conversation.other_blocked_me,
        context["read_up_to"],
        # The poller's cursor is the last visible message (or the last message on an earlier page):
        # covered by the token, like everything else the token moves with.
        context["viewing_earlier"],
    )
    cached = fragments.get(fragment_key) if cacheable and csrf_secret else None
    if cached is not None:
        html = cached["html"]
    else:
        marked = {
            **context,
            "participant_status_html": STATUS_MARK,
            "messages_html": MESSAGES_MARK,
            "composer_key": COMPOSER_KEY_MARK,
            "offer_key": OFFER_KEY_MARK,
        }
        html = render_to_string(f"{PAGE_TEMPLATE}#conversation-pane", marked, request=request)
        if cacheable and csrf_secret:
            fragments.put(fragment_key, html)
    html = (
        html.replace(COMPOSER_KEY_MARK, context.get("composer_key") or idempotency.new_key(), 1)
        .replace(OFFER_KEY_MARK, context.get("offer_key") or idempotency.new_key(), 1)
        .replace(STATUS_MARK, status, 1)
    )
    # Messages last: their text is the users', and must never be scanned for the marks above.
    return mark_safe(html.replace(MESSAGES_MARK, context["messages_html"], 1))  # noqa: S308 - own templates
