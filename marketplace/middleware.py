import zoneinfo

from django.utils import timezone


class BrowserTimezoneMiddleware:
    """Render times in the visitor's time zone, read from the ``tz`` cookie that static/js/site.js sets.

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
