"""One-click unsubscribe (RFC 8058) for every email the site sends: the headers, the signed token and the
link's page, in one place.

Each kind of email signs its own token (its *salt* says what the link stops) and owns its view, which calls
``respond``. The rule they share: a mail client POSTs ``List-Unsubscribe=One-Click`` to the URL with no
page and no CSRF token, so the signed token is the credential (views are ``csrf_exempt``); a GET only shows
a confirmation button, because link scanners open links and must not unsubscribe anyone; a forged token
answers 404. Tokens do not expire: an old email's link keeps working.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

INVALID = "This unsubscribe link is not valid."


def email_headers(url: str) -> dict[str, str]:
    """Return the headers that give *url* (absolute) to mail clients as the one-click unsubscribe (RFC 8058
    §3)."""
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def sign(value, *, salt: str) -> str:
    """Return the URL-safe signed token of *value* (JSON-serialisable) under *salt*."""
    return signing.dumps(value, salt=salt, compress=False)


def read(token: str, *, salt: str):
    """Return the value signed into *token* under *salt*; raise Http404 when it is forged or malformed."""
    try:
        return signing.loads(token, salt=salt)
    except signing.BadSignature as error:
        raise Http404(INVALID) from error


def read_user_id(token: str, *, salt: str) -> int:
    """Return the user id signed into *token* under *salt* (a token of ``sign(user_id, salt=…)``); raise
    Http404 when it is forged, malformed or holds something else."""
    try:
        return int(read(token, salt=salt))
    except (TypeError, ValueError) as error:
        raise Http404(INVALID) from error


def respond(
    request: HttpRequest, *, stop: Callable[[], object], template: str, context: dict | None = None
) -> HttpResponse:
    """Answer the link's page: on GET *template* with ``done`` False (the confirmation button); on POST (that
    button, or a mail client's one-click request) call *stop* and show *template* with ``done`` True.
    Raises Http404 when *stop* returns False (the token names nobody any more)."""
    done = request.method == "POST"
    if done and stop() is False:
        raise Http404(INVALID)
    return render(request, template, {**(context or {}), "done": done})
