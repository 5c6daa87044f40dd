from datetime import timedelta

from django import template
from django.utils import dateformat, formats, timezone
from django.utils.html import format_html, urlize
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, pgettext

from chat import presenters, selectors
from chat.forms import StartConversationForm
from marketplace import idempotency

register = template.Library()

# urlize marks links rel="nofollow"; chat links also open apart from the chat and pass no referrer.
LINK_ATTRIBUTES = ' rel="nofollow noopener noreferrer" target="_blank"'


@register.filter
def other_participant(conversation, user):
    """Return the conversation's participant who is not *user*."""
    return conversation.other_participant(user)


@register.filter
def message_body(text: str) -> SafeString:
    """Escape a message body and turn URLs into links (Django's ``urlize``: http(s), bare ``www.`` and
    common-TLD hosts, email addresses) that pass no referrer or ranking.

    urlize escapes everything else and only produces http(s) and mailto links, so a body can never carry
    a ``javascript:`` link; bare hosts get https (``URLIZE_ASSUME_HTTPS``). Line breaks are kept by CSS
    (``white-space: pre-wrap``), not by inserting tags.
    """
    linked = urlize(text, nofollow=True, autoescape=True)
    return mark_safe(linked.replace(' rel="nofollow"', LINK_ATTRIBUTES))  # noqa: S308 - urlize escaped it


@register.filter
def chat_time(moment) -> str:
    """Short time for the list: "14:05" today, "Mon" this week, "3 Mar" this year, else "3 Mar 2025"."""
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    today = timezone.localdate()
    if local.date() == today:
        return dateformat.format(local, "H:i")
    # Django date formats (names in the active language); the translations order them ("3 мар.").
    if today - local.date() < timedelta(days=7):
        return dateformat.format(local, "D")
    if local.year == today.year:
        return dateformat.format(local, pgettext("list date this year", "j M"))
    return dateformat.format(local, pgettext("list date", "j M Y"))


@register.filter
def badge_count(value) -> str:
    """Format an unread count for a badge: "" for 0, "99+" above 99."""
    try:
        count = int(str(value))
    except (TypeError, ValueError):
        return ""
    if count <= 0:
        return ""
    return "99+" if count > 99 else str(count)


@register.filter
def offer_status(offer) -> str:
    """Return the offer's status as of now (a pending offer past its expiry reads "expired")."""
    return offer.current_status()


@register.inclusion_tag("chat/_ad_contact.html", takes_context=True)
def ad_contact(context, ad):
    """Render the chat side of an ad page: "Write to seller" for a buyer (``start_form`` from the context
    when re-rendered with an error) or, when they already have a conversation about the ad, the way back
    to it (one query), and the conversations link with their count for the owner (one query)."""
    user = context["user"]
    panel = {"ad": ad, "user": user}
    if user.is_authenticated and ad.owner_id == user.pk:
        panel["conversation_count"] = selectors.conversation_count_for_ad(
            user=user, ad_public_id=ad.public_id
        )
    else:
        if user.is_authenticated and context.get("start_form") is None:
            panel["existing_conversation"] = selectors.conversation_of_buyer_about_ad(user=user, ad_id=ad.pk)
        form = context.get("start_form") or StartConversationForm()
        panel["start_form"] = form
        # A refused submission keeps its key (nothing was created with it); a fresh form gets a new one.
        panel["start_key"] = idempotency.key_to_render(form.data if form.is_bound else None)
        # A newcomer has no deal: a reserved ad gets "Can I be next…?", not "Is it still available?".
        panel["quick_replies"] = presenters.quick_replies(role="buyer", ad_status=ad.status, deal_here=False)
    return panel


@register.filter
def stars(value) -> SafeString:
    """Render a rating *value* (1–5, or an average like 4.4) as five stars, with the number for screen
    readers ("4.4 out of 5 stars")."""
    if value is None:
        return SafeString("")
    full = int(float(value) + 0.5)  # half up: 4.5 shows five stars
    return format_html(
        '<span class="stars" aria-hidden="true">{}{}</span><span class="visually-hidden">{}</span>',
        "★" * full,
        "☆" * (5 - full),
        gettext("%(rating)s out of 5 stars") % {"rating": formats.localize(value)},
    )


@register.inclusion_tag("chat/_reputation.html", takes_context=True)
def seller_reputation(context, seller):
    """Render *seller*'s reputation line on an ad page: profile link, review average and count, response
    time (two queries)."""
    return {**presenters.reputation_context(user=seller), "user": context.get("user")}
