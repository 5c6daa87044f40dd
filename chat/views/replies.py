"""A user's away message and quick replies: one page, a form each with its own URL (each form is a
partial another settings page can include)."""

from __future__ import annotations

from django.contrib import messages as flash
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from chat import presenters, services
from chat.forms_replies import AWAY_ERROR_FIELDS, AwaySettingsForm, QuickRepliesForm
from marketplace.http import HtmxHttpRequest, login_required

TEMPLATE = "chat/reply_settings.html"


def _page(request: HtmxHttpRequest, **forms) -> HttpResponse:
    # Refused input is shown with 200: htmx 2 does not swap 4xx answers.
    return render(request, TEMPLATE, presenters.reply_settings_context(request.user, **forms))


@login_required
@require_http_methods(["GET", "POST"])
def away_settings(request: HtmxHttpRequest) -> HttpResponse:
    """Show (GET) or save (POST: ``enabled``, ``text``, ``until`` as YYYY-MM-DD, the last day away) the
    user's away message; see ``services.away_settings_update``."""
    if request.method == "GET":
        return _page(request)
    form = AwaySettingsForm(request.POST)
    if form.is_valid():
        try:
            services.away_settings_update(
                user=request.user,
                enabled=form.cleaned_data["enabled"],
                text=form.cleaned_data["text"],
                until=form.until_at(),
            )
        except ValidationError as error:
            form.add_error(AWAY_ERROR_FIELDS.get(error.code, "until"), error)
        else:
            flash.success(request, _("Away message saved."))
            return redirect(reverse("chat:settings") + "#away-settings")
    return _page(request, away_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def quick_replies_settings(request: HtmxHttpRequest) -> HttpResponse:
    """Show (GET) or save (POST: ``reply_0`` … ``reply_9`` in order; a blank one is deleted) the user's
    quick replies; see ``services.quick_replies_set``."""
    if request.method == "GET":
        return _page(request)
    form = QuickRepliesForm(request.POST)
    if form.is_valid():
        try:
            services.quick_replies_set(user=request.user, texts=form.texts())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            flash.success(request, _("Quick replies saved."))
            return redirect(reverse("chat:settings") + "#quick-replies-settings")
    return _page(request, quick_replies_form=form)
