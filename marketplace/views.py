import sqlite3
import sys

from django.db import InterfaceError, OperationalError
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


# Seconds a client is asked to wait before trying again while the database cannot be reached (a
# PostgreSQL restart takes about 2 s; a failover longer, and the page keeps retrying).
DATABASE_RETRY_AFTER_S = 5
# PostgreSQL's SQLSTATEs for "this server cannot serve you now": class 08 (connection exception) and
# 57P01-57P03 (terminated by an administrator, crash shutdown, starting up or shutting down).
_UNREACHABLE_SQLSTATES = ("08", "57P01", "57P02", "57P03")
# SQLite's codes for the same (demo and test setups): the file busy or locked for too long, or gone.
_UNREACHABLE_SQLITE_CODES = {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_CANTOPEN}


def database_unreachable(error: BaseException | None) -> bool:
    """Return True when *error* (as Django raises it, the driver's error as ``__cause__``) says the
    database could not be reached: a connection refused, closed or terminated, or a server restarting.
    Other database errors (a deadlock, a statement timeout, a missing table) are bugs to see as 500s."""
    if isinstance(error, InterfaceError):
        return True
    if not isinstance(error, OperationalError):
        return False
    cause = error.__cause__
    sqlstate = getattr(cause, "sqlstate", None)
    if sqlstate is not None:
        return sqlstate.startswith(_UNREACHABLE_SQLSTATES)
    if isinstance(cause, sqlite3.Error):
        return getattr(cause, "sqlite_errorcode", None) in _UNREACHABLE_SQLITE_CODES
    # psycopg gives no SQLSTATE when no server answered at all (refused, reset, closed unexpectedly).
    return True


def server_error(request) -> HttpResponse:
    """handler500: the API's JSON error under /api/, the site's page elsewhere.

    Django calls it while handling the exception, so ``sys.exc_info()`` is the error: a database that
    cannot be reached (``database_unreachable``) answers 503 with Retry-After instead (Django's request
    logger records it with its traceback, as for a 500)."""
    if database_unreachable(sys.exc_info()[1]):
        return _database_unavailable(request)
    if request.path.startswith(API_PREFIX):
        message = gettext("Something went wrong on our side. Please try again in a moment.")
        return JsonResponse({"code": "server_error", "message": message}, status=500)
    return defaults.server_error(request)


def _database_unavailable(request) -> HttpResponse:
    """Answer 503 with Retry-After: ``{"code": "unavailable", "message"}`` under /api/; for htmx a short
    fragment (htmx does not swap a 5xx: a poll tries again at its next interval, the composer says in place
    that the message was not sent and keeps the text); elsewhere a page that reloads itself after a GET,
    or says that nothing was saved after a POST (reloading would not repeat it). Renders without the
    database: no context processors, no session."""
    retry = {"Retry-After": str(DATABASE_RETRY_AFTER_S)}
    if request.path.startswith(API_PREFIX):
        message = gettext("The service is temporarily unavailable. Please retry in a few seconds.")
        return JsonResponse({"code": "unavailable", "message": message}, status=503, headers=retry)
    context = {
        "retry_after_s": DATABASE_RETRY_AFTER_S,
        "reload": request.method in ("GET", "HEAD"),
        "htmx": request.headers.get("HX-Request") == "true",
    }
    return HttpResponse(render_to_string("503.html", context), status=503, headers=retry)
