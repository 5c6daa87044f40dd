"""Template tags shared by every app's templates."""

from django import template
from django.utils import timezone

from marketplace import sentences
from marketplace.http import cached_reverse

register = template.Library()


@register.simple_tag
def cached_url(viewname: str, *args) -> str:
    """``{% url %}`` for hot pages: the same result through ``marketplace.http.cached_reverse``.

    The result is escaped on output like any string; an unknown name raises NoReverseMatch like
    ``{% url %}``.
    """
    return cached_reverse(viewname, *args)


@register.filter
def iso_datetime(moment) -> str:
    """Return *moment* (aware datetime) in the local time zone as ISO 8601 to the second, the form HTML's
    ``datetime`` attribute accepts (it allows at most three digits of a second; Python writes six)."""
    if not moment:
        return ""
    return timezone.localtime(moment).isoformat(timespec="seconds")


@register.filter(is_safe=True)
def single_stop(text: str, value) -> str:
    """Drop the full stop a translated sentence puts after *value* (a name or title) that already ends one:
    ``{% blocktranslate with name=n asvar said %}You reviewed {{ name }}.{% endblocktranslate %}``
    ``{{ said|single_stop:n }}`` shows "You reviewed Sam Jr." (see ``marketplace.sentences``)."""
    return sentences.single_stop(text, value)
