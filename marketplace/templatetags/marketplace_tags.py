"""Template tags shared by every app's templates."""

from django import template

from marketplace.http import cached_reverse

register = template.Library()


@register.simple_tag
def cached_url(viewname: str, *args) -> str:
    """``{% url %}`` for hot pages: the same result through ``marketplace.http.cached_reverse``.

    The result is escaped on output like any string; an unknown name raises NoReverseMatch like
    ``{% url %}``.
    """
    return cached_reverse(viewname, *args)
