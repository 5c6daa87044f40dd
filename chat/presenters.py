"""Page assembly for the chat: turns selector results into template context (and cached HTML fragments).

Nothing here writes: views call the services (marking read, sending) and then these functions.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from chat import selectors, services
from chat.forms import BUYER_QUICK_REPLIES, SELLER_QUICK_REPLIES, ListQueryForm
from chat.models import MESSAGE_REACTIONS, Conversation, Message, Offer
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


def message_rows(
    messages: list[Message], *, viewer_id: int, previous: datetime | None = None, can_act: bool = True
) -> list[dict]:
    """Pair each message with what its row shows: its local day, whether a day separator goes before it
    (*previous* is the time of the message shown just before the first one), its local time (``iso`` for
    ``datetime=``, ``clock`` as shown; ``edited_iso``/``edited_clock`` for an edit), the safety notes the
    viewer gets next to the other person's text messages (``chat.safety``; the message itself is shown
    unchanged), its reactions grouped by emoji, and which actions the viewer has on it: ``can_react``
    (react and reply: not a notice, not deleted or removed, *can_act* = no block in the conversation) and
    ``editable_until`` (edit and delete: the viewer's own text message inside MARKETPLACE_EDIT_WINDOW_S,
    else None). Sets ``message.photo_list``. One query for photos and one for reactions, each only when
    some message has any."""
    photos = selectors.message_photos_for(messages)
    reactions = selectors.message_reactions_for(messages)
    now = timezone.now()
    rows = []
    previous_day = timezone.localdate(previous) if previous else None
    for message in messages:
        message.photo_list = photos.get(message.id, [])
        local = timezone.localtime(message.created_at)
        day = local.date()
        own = message.sender_id == viewer_id
        groups = _reaction_groups(reactions.get(message.id, ()), viewer_id=viewer_id)
        live = message.kind != Message.Kind.SYSTEM and not message.is_withdrawn
        editable_until = None
        if can_act and live and own and message.kind == Message.Kind.TEXT:
            window_end = services.edit_window_ends(message)
            editable_until = window_end if now < window_end else None
        edited = timezone.localtime(message.edited_at) if message.edited_at and live else None
        rows.append(
            {
                "message": message,
                "day": day,
                "new_day": day != previous_day,
                # Formatted here, once: template date filters cost ~20 µs each, 50 messages a page.
                "iso": local.isoformat(),
                "clock": local.strftime("%H:%M"),
                "edited_iso": edited.isoformat() if edited else "",
                "edited_clock": edited.strftime("%H:%M") if edited else "",
                "safety_notes": safety_notes(message.body)
                if not own and live and message.kind == Message.Kind.TEXT
                else (),
                "reactions": groups if live else [],
                "my_reaction": next((group["emoji"] for group in groups if group["mine"]), None),
                "can_react": can_act and live,
                "editable_until": editable_until,
            }
        )
        previous_day = day
    return rows


def _reaction_groups(reactions, *, viewer_id: int) -> list[dict]:
    """Group one message's reactions by emoji, in MESSAGE_REACTIONS order: ``emoji``, ``count``, ``mine``
    (the viewer reacted with it) and ``others`` (the other participant did)."""
    groups = {}
    for reaction in reactions:
        group = groups.setdefault(reaction.emoji, {"emoji": reaction.emoji, "count": 0, "mine": False})
        group["count"] += 1
        group["mine"] |= reaction.user_id == viewer_id
    for group in groups.values():
        group["others"] = group["count"] > int(group["mine"])
    return [groups[emoji] for emoji in MESSAGE_REACTIONS if emoji in groups]


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
        # Message actions post to <conversation>/messages/<id>/<action>/.
        "messages_url": f"{conversation.get_absolute_url()}messages/",
        "reaction_choices": MESSAGE_REACTIONS,
        # Nobody reacts, replies or edits across a block (the services refuse it too).
        "can_act": not (conversation.i_blocked_other or conversation.other_blocked_me),
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
        context.update(
            messages_html=cached["html"],
            cursor=cached["cursor"],
            changes=cached["changes"],
            earliest=cached["earliest"],
        )
        return context
    messages, has_earlier = selectors.message_page(
        conversation=conversation,
        limit=settings.MARKETPLACE_MESSAGES_PAGE_SIZE,
        before_message_id=at if at is not None else before,
        inclusive=at is not None,
    )
    rows = message_rows(messages, viewer_id=request.user.pk, can_act=context["can_act"])
    context.update(
        message_rows=rows,
        has_earlier=has_earlier,
        earliest_message_id=messages[0].id if messages else None,
        # The poll cursor is the newest message the page shows (the conversation's last visible one).
        cursor=messages[-1].id
        if messages and not context["viewing_earlier"]
        else (conversation.last_message_id or 0),
        # Changes after this one are the poll's to bring (read with the conversation, before the messages).
        # An earlier page (?before=, ?at=) is a view of history the poll does not keep up to date.
        changes=None if context["viewing_earlier"] else conversation.message_change_seq,
        # The oldest message shown; 0 when the page shows the whole history.
        earliest=messages[0].id if messages and has_earlier else 0,
    )
    html = render_to_string(f"{PAGE_TEMPLATE}#earlier-messages", context, request=request)
    if csrf_secret:
        # A pending offer's card changes with time alone (countdown, then "expired"), and so do the edit
        # and delete actions of own messages (gone at the end of the edit window).
        pending = [
            message.offer.expires_at
            for message in messages
            if message.offer_id and message.offer.status == Offer.Status.PENDING
        ]
        if pending:
            pending.append(timezone.now() + timedelta(seconds=60))
        pending += [row["editable_until"] for row in rows if row["editable_until"]]
        fragments.put(
            fragment_key,
            html,
            valid_until=min(pending) if pending else None,
            cursor=context["cursor"],
            changes=context["changes"],
            earliest=context["earliest"],
        )
    context["messages_html"] = html
    return context


def earlier_page_html(conversation: Conversation, html: str, *, before: int, earliest: int) -> str:
    """Return the "Load earlier" answer: the earlier page's *html*, the page's new oldest shown message
    *earliest* (0: the whole history is shown) for the polls out of band, and an out-of-band delete of
    the day separator above message *before* when the earlier page ends on that same day (the separator
    then moves up to the earlier page's first message of the day, so each day has exactly one)."""
    html = format_html(
        '{}<input type="hidden" id="message-earliest" name="earliest" form="composer" value="{}"'
        ' hx-swap-oob="true">',
        html,
        earliest,
    )
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
    changes_seen: int | None = None,
    earliest: int = 0,
) -> dict:
    """Return the context of a delivering poll (or an htmx send or message action): *messages* after the
    client's cursor *after*, out-of-band updates of the cursor, poller, snapshot, presence, receipts and
    badge, and the offer cards a new notice changed. With *has_more* (the poll was cut at its LIMIT) the
    poller gets no token, so its next poll goes the full path and fetches the rest. *cursor_at* is the
    time of message *after* (for the day separator). *shown_read_up_to* is the other participant's read
    pointer as the page shows it: own messages read since get their receipt out of band
    (``newly_read``), the ones delivered now are rendered right anyway. *changes_seen* is the change
    number the page has seen (``Conversation.message_change_seq``): shown messages (ids from *earliest*
    to *after*) changed since are re-rendered out of band (``changed_rows``) and the page gets the new
    number (``changes``); None (an earlier page, or one from before the number existed) skips this and
    keeps it None."""
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
    changed, changes = [], None
    if changes_seen is not None:
        changes = conversation.message_change_seq
        limit = settings.MARKETPLACE_MESSAGES_PAGE_SIZE
        changed = selectors.message_list_changed(
            conversation=conversation, since_seq=changes_seen, from_id=earliest, up_to_id=after, limit=limit
        )
        if len(changed) == limit:  # the rest comes with the next poll
            changes = max(message.change_seq for message in changed)
    rows = message_rows(
        [*messages, *changed], viewer_id=request.user.pk, previous=cursor_at, can_act=context["can_act"]
    )
    return {
        **context,
        "newly_read": newly_read,
        "changed_offers": list(changed_offers.values()),
        "message_rows": rows[: len(messages)],
        "changed_rows": rows[len(messages) :],
        "cursor": messages[-1].id if messages else after,
        "changes": changes,
        "badge": selectors.unread_badge(user=request.user),
    }


def composer_mode(
    request: HttpRequest, conversation: Conversation, *, reply: int | None, edit: int | None
) -> dict:
    """Return the composer's context for replying to message *reply* or editing message *edit* (ids from
    the query; both None: a plain composer): ``composer_mode`` ("reply", "edit" or ""),
    ``composer_target`` (the message), ``composer_editing``, and for an edit the current text as
    ``typed``. A message the viewer cannot see, or can no longer edit, leaves a plain composer, with the
    reason as ``composer_error`` for an edit. Raises nothing."""
    context = {"composer_mode": "", "composer_target": None, "composer_editing": False}
    if reply is None and edit is None:
        return context
    try:
        target = selectors.message_get_for_participant(conversation=conversation, message_id=edit or reply)
    except Http404:
        return context
    if edit is not None:
        try:
            services.message_edit_check(message=target, user=request.user)
        except (PermissionDenied, ValidationError) as error:
            message = error.messages[0] if isinstance(error, ValidationError) else str(error)
            return {**context, "composer_error": message}
        return {
            "composer_mode": "edit",
            "composer_target": target,
            "composer_editing": True,
            "typed": target.body,
        }
    if target.is_withdrawn:
        return context
    return {**context, "composer_mode": "reply", "composer_target": target}


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

    Without an error, typed text or a reply/edit in the composer to show, the pane is cached
    (``chat.polling.fragments``) under the conversation's poll token and everything else it shows that the
    token does not cover: the viewer, the CSRF secret (its forms), the archive and block flags, the other
    participant's read pointer the poller carries, whether an earlier page is shown. The status ("online",
    "last seen 5 minutes ago") changes with time alone, so it is rendered each time and put in place of
    STATUS_MARK. The composer's and the offer form's idempotency keys are
    ``context["composer_key"]``/``["offer_key"]`` when set (a refused submission keeps its key), else
    fresh ones.
    """
    status = render_to_string(f"{PAGE_TEMPLATE}#participant-status", context, request=request)
    conversation = context["conversation"]
    form = context.get("form")
    cacheable = not (
        context.get("typed")
        or context.get("composer_target")
        or context.get("composer_error")
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
