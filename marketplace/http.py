"""Typing helpers shared by views."""

from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required as django_login_required
from django.http import HttpRequest
from django.shortcuts import resolve_url
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
