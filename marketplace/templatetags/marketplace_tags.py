"""Template tags shared by every app's templates."""

import functools

from django import template
from django.urls import get_script_prefix, get_urlconf, reverse

register = template.Library()


@functools.lru_cache(maxsize=8192)
def _reverse(script_prefix: str, urlconf, viewname: str, args: tuple) -> str:
    return reverse(viewname, urlconf=urlconf, args=args)


@register.simple_tag
def cached_url(viewname: str, *args) -> str:
    """``{% url %}`` for hot pages: the same result, reversed once per (script prefix, URLconf, name,
    arguments) and kept in a bounded in-process cache.

    Why: ``reverse()`` costs ~30-60 µs and the chat page has ~30 links (bench/profile_endpoint.py conv);
    the URLconf never changes while a process runs. Arguments must be hashable (ids, strings); an unknown
    name raises NoReverseMatch like ``{% url %}``. The result is escaped on output like any string.
    """
    return _reverse(get_script_prefix(), get_urlconf(), viewname, tuple(str(arg) for arg in args))
