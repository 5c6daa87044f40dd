"""The open conversation: its pane, a page of messages, and what a delivering poll brings."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import format_html

from ads.models import Ad
from chat import presence, selectors
from chat.delivery import fragments, tokens
from chat.delivery.cursor import PollCursor
from chat.forms import QUICK_REPLIES
from chat.models import MESSAGE_REACTIONS, Conversation, Message, Offer
from chat.presenters.lists import PAGE_TEMPLATE
from chat.presenters.messages import message_rows
from chat.presenters.replies import seller_quick_replies
from marketplace.http import cached_reverse


def quick_replies(*, role: str, ad_status: str, deal_here: bool) -> list:
    """Return the quick replies (``chat.forms.QUICK_REPLIES``) for a participant in *role* ("buyer" or
    "seller") when the ad is *ad_status* (an ``Ad.Status`` value); *deal_here* is True when it is reserved
    for or sold to this conversation's buyer."""
    if ad_status in (Ad.Status.RESERVED, Ad.Status.SOLD) and deal_here:
        state = "deal"
    elif ad_status in (Ad.Status.ACTIVE, Ad.Status.RESERVED, Ad.Status.SOLD, Ad.Status.REMOVED):
        state = ad_status
    else:
        state = Ad.Status.REMOVED
    return QUICK_REPLIES[(role, state)]


def _quick_replies_for(user_id: int, conversation: Conversation):
    """The composer's quick replies: a seller's own list (read only when the composer renders), else the
    defaults for the viewer's role and the ad's state."""
    role = "seller" if conversation.seller_id == user_id else "buyer"
    defaults = quick_replies(
        role=role, ad_status=conversation.ad_status, deal_here=conversation.deal_at is not None
    )
    if role == "buyer":
        return defaults
    return seller_quick_replies(user_id=user_id, defaults=defaults)


def ad_changes(conversation: Conversation) -> dict:
    """Return how the live ad differs from *conversation*'s snapshot, for the header beside it:
    ``ad_title_now`` (the current title, "" when unchanged) and ``ad_price_change`` ("dropped",
    "changed", "on_request" or "" when unchanged; the amount is ``conversation.ad_current_price``)."""
    title, price, then = conversation.ad_current_title, conversation.ad_current_price, conversation.ad_price
    if not title:  # a row written without the live values (bench data): nothing to compare
        return {"ad_title_now": "", "ad_price_change": ""}
    if price == then:
        change = ""
    elif price is None:
        change = "on_request"
    elif then is not None and price < then:
        change = "dropped"
    else:
        change = "changed"
    return {"ad_title_now": title if title != conversation.ad_title else "", "ad_price_change": change}


def participant_context(request: HttpRequest, conversation: Conversation, *, token: str) -> dict:
    """Return what the viewer may see of the other participant: presence and read receipts (both
    reciprocal), plus the poll's token and signed user key. *token* is the conversation's poll token,
    read before the conversation was (``tokens.read_before``)."""
    other = conversation.other_participant(request.user)
    receipts = request.user.share_read_receipts and other.share_read_receipts
    return {
        "conversation": conversation,
        "other": other,
        "quick_replies": _quick_replies_for(request.user.pk, conversation),
        # A suspended participant is never "online": the suspension hint says why they are away.
        "show_last_seen": presence.shown(request.user, other),
        "show_receipts": receipts,
        # Own messages with an id up to this one are read by the other participant (✓✓, blue).
        "read_up_to": (conversation.other_last_read_id or 0) if receipts else 0,
        # ... and up to this one delivered to their device (✓✓, grey), shown whatever the receipts setting:
        # what was read was fetched, so the read pointer counts too.
        "delivered_up_to": max(conversation.other_delivered_up_to or 0, conversation.other_last_read_id or 0),
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
        # A suspended participant can't log in to read: the other side is told so in place of the composer
        # (the services refuse sends to them).
        "other_suspended": not other.is_active,
        # Either side may propose a price while the ad is on sale (chat.services.offer_make).
        "offers_open": conversation.ad_status == Ad.Status.ACTIVE
        and other.is_active
        and not (conversation.i_blocked_other or conversation.other_blocked_me),
        "offer_ttl_hours": settings.MARKETPLACE_OFFER_TTL_S // 3600,
        **ad_changes(conversation),
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
        context["delivered_up_to"],
    )
    cached = fragments.get(fragment_key) if csrf_secret else None
    if cached is not None:
        context.update(
            messages_html=cached["html"],
            cursor=cached["cursor"],
            change_seq=cached["change_seq"],
            earliest=cached["earliest"],
        )
        return context
    messages, rows = _message_page(request, conversation, context, before=before, at=at)
    html = render_to_string(f"{PAGE_TEMPLATE}#earlier-messages", context, request=request)
    if csrf_secret:
        fragments.put(
            fragment_key,
            html,
            valid_until=_page_changes_at(messages, rows),
            cursor=context["cursor"],
            change_seq=context["change_seq"],
            earliest=context["earliest"],
        )
    context["messages_html"] = html
    return context


def _message_page(
    request: HttpRequest, conversation: Conversation, context: dict, *, before: int | None, at: int | None
) -> tuple[list[Message], list[dict]]:
    """Load the page of messages ``conversation_pane`` shows and put its rows and cursor into *context*;
    return ``(messages, rows)``."""
    messages, has_earlier = selectors.message_page(
        conversation=conversation,
        limit=settings.MARKETPLACE_MESSAGES_PAGE_SIZE,
        before_message_id=at if at is not None else before,
        inclusive=at is not None,
    )
    rows = message_rows(
        messages, viewer_id=request.user.pk, can_act=context["can_act"], conversation=conversation
    )
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
        change_seq=None if context["viewing_earlier"] else conversation.change_seq,
        # The oldest message shown; 0 when the page shows the whole history.
        earliest=messages[0].id if messages and has_earlier else 0,
    )
    return messages, rows


def _page_changes_at(messages: list[Message], rows: list[dict]) -> datetime | None:
    """Return when a rendered page of *messages* changes with time alone, or None: a pending offer's card
    (countdown, then "expired") and the edit and delete actions of own messages (gone at the end of the
    edit window)."""
    pending = [
        message.offer.expires_at
        for message in messages
        if message.offer_id and message.offer.status == Offer.Status.PENDING
    ]
    if pending:
        pending.append(timezone.now() + timedelta(seconds=60))
    pending += [row["editable_until"] for row in rows if row["editable_until"]]
    return min(pending) if pending else None


def earlier_page_html(conversation: Conversation, html: str, *, before: int, earliest: int) -> str:
    """Return the "Load earlier" answer: the earlier page's *html*, the page's new oldest shown message
    *earliest* (0: the whole history is shown) for the polls out of band, and an out-of-band delete of
    the day separator above message *before* when the earlier page ends on that same day (the separator
    then moves up to the earlier page's first message of the day, so each day has exactly one)."""
    html = html + render_to_string(f"{PAGE_TEMPLATE}#message-earliest", {"earliest": earliest, "oob": True})
    shown_at = selectors.message_created_at(conversation=conversation, message_id=before)
    if shown_at is None:
        return html
    day_id = f"day-{timezone.localdate(shown_at).isoformat()}"
    if f'id="{day_id}"' not in html:
        return html
    return format_html('{}<li id="{}" data-hx-swap-oob="delete"></li>', html, day_id)


def new_messages(
    request: HttpRequest,
    conversation: Conversation,
    *,
    token: str,
    cursor: PollCursor,
    messages: list[Message],
    has_more: bool,
    cursor_at: datetime | None = None,
) -> dict:
    """Return the context of a delivering poll (or an htmx send or message action): *messages* after the
    page's *cursor* (``cursor.after``), out-of-band updates of the cursor, poller, snapshot, presence,
    receipts and badge, and the offer cards a new notice changed. With *has_more* (the poll was cut at its
    LIMIT) the poller gets no token, so its next poll goes the full path and fetches the rest. *cursor_at*
    is the time of message ``cursor.after`` (for the day separator). With ``cursor.read_up_to`` (the other
    participant's read pointer as the page shows it) own messages read since get their receipt out of band
    (``newly_read``), the ones delivered now are rendered right anyway. With ``cursor.change_seq`` (the
    change seq the page has seen, ``Conversation.change_seq``) shown messages (ids from
    ``cursor.earliest`` to ``cursor.after``) changed since are re-rendered out of band (``changed_rows``)
    and the page gets the new change seq (``change_seq``); None (an earlier page, or one from before
    the change seq existed) skips this and keeps it None. ``cursor.offers_shown`` (1/0, None: unknown) is
    whether the page shows the offer form: when that no longer matches (the ad was reserved, sold or put
    back on sale) the form is re-rendered out of band (``offer_maker_changed``); a form still shown is left
    alone, with whatever amount is typed in it, but its label with the asking price is re-rendered
    (``offer_form_shown``: the seller may have changed it). Offer cards are messages: an offer's status
    change marks its card changed, so it comes back as a changed row."""
    context = participant_context(request, conversation, token="" if has_more else token)
    changed, change_seq = _changed_since(conversation, cursor)
    rows = message_rows(
        [*messages, *changed],
        viewer_id=request.user.pk,
        previous=cursor_at,
        can_act=context["can_act"],
        conversation=conversation,
    )
    return {
        **context,
        "newly_read": _receipts_changed(request, conversation, cursor, context),
        # Only an answer to a request that said which pointers its page shows (a poll) moves them.
        "pointers_shown": cursor.read_up_to is not None or cursor.delivered_up_to is not None,
        "offer_maker_changed": cursor.offers_shown is not None
        and bool(cursor.offers_shown) != context["offers_open"],
        # A form left in place gets its label again: the asking price in it may have changed.
        "offer_form_shown": bool(cursor.offers_shown) and context["offers_open"],
        "message_rows": rows[: len(messages)],
        "changed_rows": rows[len(messages) :],
        "cursor": messages[-1].id if messages else cursor.after,
        "change_seq": change_seq,
        "badge": selectors.unread_badge(user=request.user),
    }


def _receipts_changed(
    request: HttpRequest, conversation: Conversation, cursor: PollCursor, context: dict
) -> list:
    """Return the viewer's own messages whose receipt changed since the pointers the page shows
    (``cursor.read_up_to``, ``cursor.delivered_up_to``), up to ``cursor.after``: delivered or read since.
    Their receipts go out of band (one query, none when neither pointer moved)."""
    shown = [
        pointer
        for pointer, now in (
            (cursor.read_up_to if context["show_receipts"] else None, context["read_up_to"]),
            (cursor.delivered_up_to, context["delivered_up_to"]),
        )
        if pointer is not None and now > pointer
    ]
    if not shown:
        return []
    return selectors.message_list_newly_read(
        conversation=conversation,
        sender_id=request.user.pk,
        after_id=min(shown),
        up_to_id=min(max(context["read_up_to"], context["delivered_up_to"]), cursor.after),
        limit=settings.MARKETPLACE_MESSAGES_PAGE_SIZE,
    )


def _changed_since(conversation: Conversation, cursor: PollCursor) -> tuple[list[Message], int | None]:
    """Return the shown messages changed since the page's change seq (``cursor.change_seq``; at most
    a page) and the change seq the page has seen after them; ``([], None)`` when the page keeps none."""
    if cursor.change_seq is None:
        return [], None
    change_seq = conversation.change_seq
    limit = settings.MARKETPLACE_MESSAGES_PAGE_SIZE
    changed, cut = selectors.message_list_changed(
        conversation=conversation,
        since_change_seq=cursor.change_seq,
        from_id=cursor.earliest,
        up_to_id=cursor.after,
        limit=limit,
    )
    if cut:  # the rest comes with the next poll
        change_seq = changed[-1].change_seq
    return changed, change_seq
