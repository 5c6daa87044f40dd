"""The open conversation's pane around its messages (header and menu, ad snapshot, poller, offer form,
composer), cached as HTML with marks for the parts rendered fresh every time."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from chat.delivery import fragments
from chat.presenters.lists import PAGE_TEMPLATE
from chat.presenters.reputation import review_prompt
from marketplace import idempotency

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
    (``chat.delivery.fragments``) under the conversation's poll token and everything else it shows that the
    token does not cover: the viewer, the CSRF secret (its forms), the archive and block flags, the other
    participant's suspension and the read pointer the poller carries, whether an earlier page is shown.
    The status ("online", "last seen 5 minutes ago") changes with time alone, so it is rendered each time
    and put in place of STATUS_MARK. The composer's and the offer form's idempotency keys are
    ``context["composer_key"]``/``["offer_key"]`` when set (a refused submission keeps its key), else
    fresh ones.
    """
    status = render_to_string(f"{PAGE_TEMPLATE}#participant-status", context, request=request)
    csrf_secret = fragments.csrf_secret(request)
    cacheable = _pane_cacheable(context) and bool(csrf_secret)
    fragment_key = _pane_key(request, context, csrf_secret)
    cached = fragments.get(fragment_key) if cacheable else None
    if cached is not None:
        html = cached["html"]
    else:
        html, changes_at = _render_marked(request, context)
        if cacheable:
            fragments.put(fragment_key, html, valid_until=changes_at)
    html = (
        html.replace(COMPOSER_KEY_MARK, context.get("composer_key") or idempotency.new_key(), 1)
        .replace(OFFER_KEY_MARK, context.get("offer_key") or idempotency.new_key(), 1)
        .replace(STATUS_MARK, status, 1)
    )
    # Messages last: their text is the users', and must never be scanned for the marks above.
    return mark_safe(html.replace(MESSAGES_MARK, context["messages_html"], 1))  # noqa: S308 - own templates


def _pane_cacheable(context: dict) -> bool:
    """Return False when the pane shows something of this request only: typed text, a reply or edit in
    the composer, an open offer form, search matches, or an error."""
    form = context.get("form")
    return not (
        context.get("typed")
        or context.get("composer_target")
        or context.get("composer_error")
        or context.get("offer_error")
        or context.get("offer_open")
        or context.get("in_search_query") is not None
        or (form is not None and form.is_bound and form.errors)
    )


def _pane_key(request: HttpRequest, context: dict, csrf_secret: str) -> str:
    """Return the pane's fragment key: its poll token and everything it shows that the token does not
    cover."""
    conversation = context["conversation"]
    return fragments.key(
        "conversation-pane",
        request.user.pk,
        conversation.public_id,
        context["poll_token"],
        csrf_secret,
        conversation.my_archived_at,
        conversation.my_muted_at,
        conversation.my_pin_slot,
        conversation.i_blocked_other,
        conversation.other_blocked_me,
        context["other_suspended"],  # a suspension moves only the suspended user's tokens
        context["read_up_to"],
        context["delivered_up_to"],
        # The poller's cursor is the last visible message (or the last message on an earlier page):
        # covered by the token, like everything else the token moves with.
        context["viewing_earlier"],
    )


def _render_marked(request: HttpRequest, context: dict) -> tuple[str, datetime | None]:
    """Render the pane with marks in place of the fresh parts; return ``(html, when it changes with time
    alone or None)`` (the review prompt)."""
    prompt, prompt_changes_at = review_prompt(conversation=context["conversation"], user=request.user)
    marked = {
        **context,
        "review_prompt": prompt,
        "participant_status_html": STATUS_MARK,
        "messages_html": MESSAGES_MARK,
        "composer_key": COMPOSER_KEY_MARK,
        "offer_key": OFFER_KEY_MARK,
    }
    html = render_to_string(f"{PAGE_TEMPLATE}#conversation-pane", marked, request=request)
    return html, prompt_changes_at
