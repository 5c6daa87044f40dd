"""Helpers shared by views: typing, login for htmx, cached URL reversing."""

import functools
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required as django_login_required
from django.http import HttpRequest
from django.shortcuts import resolve_url
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.http import HttpResponseClientRedirect
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    """An HttpRequest that passed through django-htmx's middleware (``request.htmx``)."""

    htmx: HtmxDetails


def login_required(view):
    """Like Django's ``login_required``, but an htmx request (a poll, a send) from a logged-out browser
    gets ``HX-Redirect`` to the login page for the page it came from, instead of a login page swapped
    into the chat.
    """
    protected = django_login_required(view)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if getattr(request, "htmx", False) and not request.user.is_authenticated:
            next_url = request.htmx.current_url_abs_path or request.get_full_path()
            return HttpResponseClientRedirect(
                f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': next_url})}"
            )
        return protected(request, *args, **kwargs)

    return wrapper


@functools.lru_cache(maxsize=8192)
def _reverse(script_prefix: str, urlconf, viewname: str, args: tuple) -> str:
    return reverse(viewname, urlconf=urlconf, args=args)


def cached_reverse(viewname: str, *args) -> str:
    """Return ``reverse(viewname, args=args)``, computed once per (script prefix, URLconf, name, arguments)
    and kept in a bounded in-process cache.

    Why: ``reverse()`` costs ~30-60 µs and the chat page has ~38 links (bench/profile_endpoint.py conv);
    the URLconf never changes while a process runs. Arguments are compared as strings (ids, public ids).
    Raises NoReverseMatch like ``reverse``.
    """
    return _reverse(get_script_prefix(), get_urlconf(), viewname, tuple(str(arg) for arg in args))


def safe_next_url(request: HttpRequest, value: str | None) -> str:
    """Return *value* (a ``next`` parameter) when it is a path on this site ("/…") without control
    characters (a NUL or a line break cannot go into a ``Location`` header), else ``""``. Anything else
    would reach ``redirect()``, which reads a bare word as a view name."""
    value = value or ""
    if not value.startswith("/") or any(ord(char) < 32 or ord(char) == 127 for char in value):
        return ""
    return value if url_has_allowed_host_and_scheme(value, allowed_hosts={request.get_host()}) else ""
