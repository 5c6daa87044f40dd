from django import template

from notifications import selectors

register = template.Library()


@register.inclusion_tag("notifications/_bell.html", takes_context=True)
def notification_bell(context) -> dict:
    """The header's bell for the logged-in user: a link to the centre with the unread count (cached:
    ``selectors.unread_count``), refreshed by its own poll and the ``notifications`` hint."""
    user = context["request"].user
    return {"bell_count": selectors.unread_count(user_id=user.pk), "push_stream": context.get("push_stream")}
