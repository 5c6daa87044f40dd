"""Typing helpers shared by views."""

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    """An HttpRequest that passed through django-htmx's middleware (``request.htmx``)."""

    htmx: HtmxDetails
