from django.http import HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.template.loader import render_to_string
from django.utils.translation import gettext
from django.views import defaults
from django.views.decorators.http import require_GET


@require_GET
def healthz(request) -> HttpResponse:
    """Answer "ok" without touching the database or the session: for load balancers, and the benchmark's
    floor (the cheapest request this Django stack can serve)."""
    return HttpResponse("ok", content_type="text/plain")


@require_GET
def service_worker(request) -> HttpResponse:
    """Serve the Web Push service worker from the site's root, so its scope is the whole site (a script
    under /static/ could only control /static/). Revalidated on every load, as browsers expect of it."""
    response = HttpResponse(render_to_string("sw.js"), content_type="text/javascript")
    response["Cache-Control"] = "no-cache"
    return response


API_PREFIX = "/api/"


def not_found(request, exception=None) -> HttpResponse:
    """handler404: the API's JSON error under /api/ (an app parses it), the site's page elsewhere."""
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"code": "not_found", "message": "Not found."}, status=404)
    try:
        request.POST  # noqa: B018 (parse now: the page's CSRF check would, and raise, inside the handler)
    except MultiPartParserError:
        # A csrf_exempt view (one-click unsubscribe) answered 404 before reading a body that is not
        # multipart after all: the 404 page ignores that body instead of failing on it.
        request._mark_post_parse_error()
    return defaults.page_not_found(request, exception)


def server_error(request) -> HttpResponse:
    """handler500: the API's JSON error under /api/, the site's page elsewhere."""
    if request.path.startswith(API_PREFIX):
        message = gettext("Something went wrong on our side. Please try again in a moment.")
        return JsonResponse({"code": "server_error", "message": message}, status=500)
    return defaults.server_error(request)
