"""Saved searches' pages: save the list's filters, the Saved searches page (rename, alert channel,
delete, open with "N new") and the digest's unsubscribe link. Every change is a CSRF-protected POST that
works without JavaScript; another user's search is a 404."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ads import digest, saved_searches
from ads.models import SavedSearch
from marketplace import unsubscribe


class SavedSearchForm(forms.Form):
    """A saved search's name and alert channel (the Saved searches page and "Save this search")."""

    name = forms.CharField(label=_("Name"), max_length=saved_searches.NAME_MAX, required=False)
    channel = forms.ChoiceField(label=_("Alerts"), choices=SavedSearch.Channel.choices, required=False)


def _errors_to_messages(request: HttpRequest, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


@login_required
@require_GET
def saved_search_list(request: HttpRequest) -> HttpResponse:
    """The user's saved searches with how many new ads each matched since they last opened it."""
    searches = saved_searches.saved_search_page(user=request.user)
    rows = [
        {
            "search": item,
            "form": SavedSearchForm(
                initial={"name": item.name, "channel": item.channel}, prefix=item.public_id
            ),
        }
        for item in searches
    ]
    context = {"rows": rows, "limit": saved_searches.LIMIT_PER_USER}
    return render(request, "ads/saved_searches.html", context)


@login_required
@require_POST
def saved_search_create(request: HttpRequest) -> HttpResponse:
    """Save the filters in ``query`` (the list's query string) as ``name`` (default: a summary of the
    filters) with alerts on ``channel``; then to the Saved searches page (back to the list on a refusal,
    with the reason)."""
    form = SavedSearchForm(request.POST)
    form.is_valid()
    query = request.POST.get("query", "")
    try:
        saved_search = saved_searches.saved_search_create(
            user=request.user,
            query=query,
            name=form.cleaned_data.get("name", ""),
            channel=form.cleaned_data.get("channel") or SavedSearch.Channel.INSTANT,
        )
    except ValidationError as error:
        _errors_to_messages(request, error)
        return redirect(f"{reverse('ads:list')}?{saved_searches.parse_query(query).saved_query()}")
    messages.success(
        request,
        gettext("Saved “%(name)s”. New ads that match will be announced here.") % {"name": saved_search.name},
    )
    return redirect("ads:saved_searches")


@login_required
@require_POST
def saved_search_update(request: HttpRequest, public_id: str) -> HttpResponse:
    """Rename the search and/or change its alert channel (fields prefixed with its public id)."""
    saved_search = saved_searches.saved_search_get_for_owner(public_id=public_id, user=request.user)
    form = SavedSearchForm(request.POST, prefix=public_id)
    form.is_valid()
    try:
        saved_searches.saved_search_update(
            saved_search=saved_search,
            name=form.cleaned_data.get("name", saved_search.name),
            channel=form.cleaned_data.get("channel") or saved_search.channel,
        )
    except ValidationError as error:
        _errors_to_messages(request, error)
    else:
        messages.success(request, gettext("Saved search updated."))
    return redirect("ads:saved_searches")


@login_required
@require_POST
def saved_search_delete(request: HttpRequest, public_id: str) -> HttpResponse:
    """Delete the search."""
    saved_search = saved_searches.saved_search_get_for_owner(public_id=public_id, user=request.user)
    saved_searches.saved_search_delete(saved_search=saved_search)
    messages.success(request, gettext("Deleted “%(name)s”.") % {"name": saved_search.name})
    return redirect("ads:saved_searches")


@login_required
@require_POST
def saved_search_open(request: HttpRequest, public_id: str) -> HttpResponse:
    """Open the search: its "N new" starts again from 0, and the list shows its filters, newest first."""
    saved_search = saved_searches.saved_search_get_for_owner(public_id=public_id, user=request.user)
    query = saved_searches.saved_search_open(saved_search=saved_search)
    return redirect(f"{reverse('ads:list')}?{query}")


@csrf_exempt  # the signed token is the credential; RFC 8058 one-click POSTs come without a CSRF token
@require_http_methods(["GET", "POST"])
def saved_search_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """Stop digest emails from a digest's link, no login needed: for one saved search or all of them.

    GET shows a confirmation button; POST, from that button or a mail client's RFC 8058 one-click
    request, turns them off (``marketplace.unsubscribe``). A forged token answers 404."""
    user_id, public_id, name = digest.unsubscribe_target(token=token)
    return unsubscribe.respond(
        request,
        stop=lambda: digest.digest_unsubscribe(user_id=user_id, saved_search_public_id=public_id),
        template="ads/saved_search_unsubscribe.html",
        context={"name": name},
    )
