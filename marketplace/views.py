from django.http import HttpResponse
from django.views.decorators.http import require_GET


@require_GET
def healthz(request) -> HttpResponse:
    """Answer "ok" without touching the database or the session: for load balancers, and the benchmark's
    floor (the cheapest request this Django stack can serve)."""
    return HttpResponse("ok", content_type="text/plain")
