from django.http import HttpResponse
from django.template.loader import render_to_string
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
