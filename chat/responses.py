"""HTTP answers that several front doors share: the whole chat page, the conversation page, a poll's new
messages, and a chat photo. Views and API views call these; no view module imports another."""

from __future__ import annotations

from django.conf import settings
from django.http import FileResponse, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers, patch_cache_control

from chat import presenters, selectors, services
from chat.delivery.cursor import PollCursor
from chat.forms import MessageForm
from chat.models import Conversation, MessagePhoto
from marketplace.http import HtmxHttpRequest

PHOTO_VARIANTS = ("full", "thumb")


def render_page(request: HtmxHttpRequest, context: dict, *, status: int = 200) -> HttpResponse:
    """Render the chat page with *context* (from ``presenters.list_pane`` and friends) and the header
    badge for the list token the list pane read; the list rows it loaded are delivered
    (``deliver_list``)."""
    deliver_list(request, context)
    context["badge"] = selectors.unread_badge(
        user=request.user, list_token=context["list_token"], count=context["badge_count"]
    )
    return render(request, presenters.PAGE_TEMPLATE, context, status=status)


def render_conversation_page(
    request: HtmxHttpRequest, conversation: Conversation, *, token: str, status: int = 200, **extra
) -> HttpResponse:
    """Render the whole chat page with *conversation* open (latest page) and *extra* context."""
    context = presenters.conversation_pane(request, conversation, token=token, before=None)
    context.update(presenters.list_pane(request, active_public_id=conversation.public_id))
    context.setdefault("form", MessageForm())
    context.update(extra)
    context["conversation_pane_html"] = presenters.conversation_chrome(request, context)
    return render_page(request, context, status=status)


def deliver_list(request: HtmxHttpRequest, context: dict) -> None:
    """Mark the last messages of the list rows ``presenters.list_pane`` loaded into *context* delivered to
    the viewer (``services.conversations_mark_delivered``); nothing when the list came from the fragment
    cache (its rows were delivered when it was rendered)."""
    services.conversations_mark_delivered(user=request.user, conversations=context.get("conversations", ()))


def render_new_messages(
    request: HtmxHttpRequest,
    conversation: Conversation,
    *,
    token: str,
    cursor: PollCursor,
    viewer_read_up_to: int = 0,
    **extra,
) -> HttpResponse:
    """Render the messages after the page's *cursor* (at most one page) with the out-of-band updates
    (``presenters.new_messages``: receipts, messages changed since, the offer form) and *extra* context,
    marking the delivered ones read, hence delivered (*viewer_read_up_to*: where the caller knows the
    viewer's own read pointer already is, e.g. at the message they just sent)."""
    messages, has_more, cursor_at = selectors.message_list_after(
        conversation=conversation, after_id=cursor.after, limit=settings.MARKETPLACE_MESSAGES_PAGE_SIZE
    )
    if messages:
        services.conversation_mark_read_if_behind(
            conversation=conversation,
            user=request.user,
            up_to_message_id=messages[-1].id,
            known=viewer_read_up_to,
        )
    context = presenters.new_messages(
        request,
        conversation,
        token=token,
        cursor=cursor,
        messages=messages,
        has_more=has_more,
        cursor_at=cursor_at,
    )
    context.update(extra)
    return render(request, f"{presenters.PAGE_TEMPLATE}#poll-response", context)


def photo_response(photo: MessagePhoto, variant: str) -> HttpResponse:
    """Return *photo*'s "full" or "thumb" file as a JPEG response no cache may store.

    ``no-store`` as for every private page (``marketplace.middleware.PrivateNoStoreMiddleware``), set here
    so the site's, the API's and the moderators' views all carry it: a photo kept in a shared computer's
    disk cache would outlive the logout, and one kept for a day would outlive a moderator's removal."""
    stored = photo.image if variant == "full" else photo.thumbnail
    response = FileResponse(stored.open("rb"), content_type="image/jpeg")
    add_never_cache_headers(response)
    patch_cache_control(response, private=True)
    return response
