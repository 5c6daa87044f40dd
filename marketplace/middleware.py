import zoneinfo

from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control


class BrowserTimezoneMiddleware:
    """Render times in the visitor's time zone, read from the ``tz`` cookie that static/js/timezone.js sets.

    An unknown or missing zone falls back to settings.TIME_ZONE.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        name = request.COOKIES.get("tz", "")
        try:
            timezone.activate(zoneinfo.ZoneInfo(name)) if name else timezone.deactivate()
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            timezone.deactivate()
        return self.get_response(request)


class PrivateNoStoreMiddleware:
    """Mark every response to a logged-in user ``Cache-Control: no-store`` (with Django's never-cache
    headers), so a shared computer's back button, a browser's disk cache or a proxy never keeps a chat
    page, a poll answer or a profile. Responses that chose their own caching keep it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
            patch_cache_control(response, private=True)
        return response
