"""The notification centre's pages: the list, opening an item (marks it read), "mark all read", the
bell's refresh and the per-kind settings. Every change is a CSRF-protected POST, but the emails'
one-click unsubscribe (RFC 8058: its signed token is the credential)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from marketplace import unsubscribe
from marketplace.http import HtmxHttpRequest
from notifications import selectors, services
from notifications.forms import NotificationSettingsForm, cursor_from


@login_required
@require_GET
def centre(request: HtmxHttpRequest) -> HttpResponse:
    """The user's notifications, newest first; ``before`` (an id) is the next page's cursor (a bad one
    shows the first page). Unread ones are marked as such until opened."""
    page, next_cursor = selectors.notification_page(user=request.user, before=cursor_from(request.GET))
    return render(
        request,
        "notifications/centre.html",
        {"notifications": page, "next_cursor": next_cursor, "paged": "before" in request.GET},
    )


@login_required
@require_POST
def notification_open(request: HtmxHttpRequest, notification_id: str) -> HttpResponse:
    """Mark the user's notification read and go where it happened (its ``url``, a path on this site);
    404 for anyone else's."""
    notification = selectors.notification_get_for_owner(user=request.user, public_id=notification_id)
    services.notification_mark_read(notification=notification)
    safe = url_has_allowed_host_and_scheme(notification.url, allowed_hosts=None)
    return redirect(notification.url if safe else "notifications:centre")


@login_required
@require_POST
def mark_all_read(request: HtmxHttpRequest) -> HttpResponse:
    """Mark every notification of the user read, then back to the centre."""
    services.notifications_mark_all_read(user=request.user)
    return redirect("notifications:centre")


@login_required
@require_GET
def bell(request: HtmxHttpRequest) -> HttpResponse:
    """The header's bell alone (its poll and its ``notifications`` hint swap it): the cached count."""
    return render(
        request, "notifications/_bell.html", {"bell_count": selectors.unread_count(user_id=request.user.pk)}
    )


@login_required
@require_http_methods(["GET", "POST"])
def notification_settings(request: HtmxHttpRequest) -> HttpResponse:
    """Per-kind channels (in the centre, by email, by Web Push): a checkbox grid; POST stores them all."""
    rows = selectors.settings_for_user(user=request.user)
    form = NotificationSettingsForm(request.POST or None, rows=rows)
    if request.method == "POST" and form.is_valid():
        services.notification_settings_set(user=request.user, choices=form.choices())
        messages.success(request, gettext("Notification settings saved."))
        return redirect("notifications:settings")
    return render(request, "notifications/settings.html", {"form": form, "rows": form.rows_with_fields()})


@csrf_exempt  # the signed token is the credential; RFC 8058 one-click POSTs come without a CSRF token
@require_http_methods(["GET", "POST"])
def email_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """Stop notification emails from the link in one, no login needed (the token is signed).

    GET shows a confirmation button; POST, from that button or a mail client's RFC 8058 one-click
    request, turns email off for every kind (``services.notification_emails_stop``). A forged token
    answers 404."""
    user_id = services.email_unsubscribe_user_id(token)
    return unsubscribe.respond(
        request,
        stop=lambda: services.notification_emails_stop(user_id=user_id),
        template="notifications/unsubscribe.html",
    )
