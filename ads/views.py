from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.middleware import HtmxDetails

from ads import presenters, selectors, services
from ads.forms import AdForm, AdSearchForm
from ads.models import Ad, SavedSearch
from marketplace.http import safe_next_url
from marketplace.requests import guarded


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


@require_GET
def ad_list(request: HtmxHttpRequest) -> HttpResponse:
    """Browse ads: ``q`` (words in title/description), ``category`` (slug), ``area``, ``condition``,
    ``price_min``/``price_max``, ``posted`` (days), ``photos`` (with photos only), ``sort`` and ``after``
    (the next page's cursor). For htmx (live results), only the results region."""
    form = AdSearchForm(request.GET)
    form.is_valid()
    page = selectors.ad_search(
        filters=form.filters(),
        viewer=request.user,
        cursor=request.GET.get("after", ""),
        size=settings.MARKETPLACE_ADS_PAGE_SIZE,
    )
    context = presenters.ad_list_context(form=form, page=page, query=request.GET)
    context["channels"] = SavedSearch.Channel.choices
    return _partial_for_htmx(request, "ads/list.html", "ad-results", context)


def _partial_for_htmx(request: HtmxHttpRequest, template: str, partial: str, context: dict) -> HttpResponse:
    """Render *template*, or only its *partial* for an htmx request that is not a history restore (htmx
    then wants the whole page). The answer varies on HX-Request, so no cache serves one for the other."""
    if request.htmx and not request.htmx.history_restore_request:
        template = f"{template}#{partial}"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_GET
def ad_detail(request, public_id: str) -> HttpResponse:
    """Show one ad with its photos and, for a logged-in visitor who is not the owner, "Write to seller"."""
    ad = selectors.ad_get_for_viewer(public_id=public_id, user=request.user)
    context = presenters.ad_detail_context(ad=ad, viewer=request.user)
    return render(request, presenters.AD_DETAIL_TEMPLATE, context)


@login_required
@require_http_methods(["GET", "POST"])
def ad_create(request) -> HttpResponse:
    """Place a new ad with up to MARKETPLACE_PHOTOS_PER_AD photos; charged to ``ad_by_user`` through the
    request gate, as the API's ``POST my/ads/`` is (over it: the form again, 429 with Retry-After)."""
    form = AdForm(request.POST or None, request.FILES or None)
    outcome = None
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in AdForm.Meta.fields}
        outcome = guarded(
            request,
            rule="ad_by_user",
            call=lambda _key: services.ad_create(
                owner=request.user, photos=form.cleaned_data["photos"], **fields
            ),
        )
        if outcome.ok:
            messages.success(request, gettext("Your ad is live."))
            return redirect(outcome.result)
        form.add_error(None, outcome.refusal)
    status = 400 if request.method == "POST" else 200
    response = render(request, "ads/form.html", {"form": form, "ad": None}, status=status)
    return outcome.respond(response) if outcome else response


@login_required
@require_http_methods(["GET", "POST"])
def ad_edit(request, public_id: str) -> HttpResponse:
    """Edit an ad (owner only; others get 404) and add photos."""
    ad = selectors.ad_get_owned(public_id=public_id, user=request.user)
    if ad.status == Ad.Status.REMOVED:
        messages.error(request, "This ad was removed and can't be edited.")
        return redirect(ad)
    form = AdForm(request.POST or None, request.FILES or None, instance=ad)
    if request.method == "POST" and form.is_valid():
        try:
            services.ad_update(
                ad=ad,
                user=request.user,
                category=form.cleaned_data["category"],
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                price=form.cleaned_data["price"],
                city=form.cleaned_data["city"],
                new_photos=form.cleaned_data["photos"],
                condition=form.cleaned_data["condition"],
                area=form.cleaned_data["area"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, gettext("Ad saved."))
            return redirect(ad)
    status = 400 if request.method == "POST" else 200
    return render(request, "ads/form.html", {"form": form, "ad": ad}, status=status)


def _status_change(request, public_id: str, action, done_message: str) -> HttpResponse:
    ad = selectors.ad_get_owned(public_id=public_id, user=request.user)
    try:
        action(ad=ad, user=request.user)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, done_message)
    # "Mark as sold" next to an accepted offer comes back to the conversation it was pressed in.
    return redirect(safe_next_url(request, request.POST.get("next")) or ad)


@login_required
@require_POST
def ad_mark_sold(request, public_id: str) -> HttpResponse:
    """Mark the ad sold (owner only; to the buyer it was reserved for, if any)."""
    return _status_change(
        request, public_id, services.ad_mark_sold, gettext("Marked as sold. Buyers' chats now show it.")
    )


@login_required
@require_POST
def ad_reactivate(request, public_id: str) -> HttpResponse:
    """Put a reserved or sold ad back on sale (owner only)."""
    return _status_change(request, public_id, services.ad_reactivate, gettext("The ad is on sale again."))


@login_required
@require_POST
def ad_remove(request, public_id: str) -> HttpResponse:
    """Remove the ad (owner only). Conversations about it stay, flagged "no longer available"."""
    return _status_change(
        request, public_id, services.ad_remove, gettext("Ad removed. Conversations about it are kept.")
    )


@login_required
@require_GET
def my_ads(request) -> HttpResponse:
    """List the logged-in user's own ads, every status."""
    ads = selectors.ad_list_owned(user=request.user)
    page = Paginator(ads, settings.MARKETPLACE_ADS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "ads/mine.html", {"page": page})


@login_required
@require_POST
def favourite_set(request: HtmxHttpRequest, public_id: str) -> HttpResponse:
    """Save the ad to the user's favourites (``saved=1``) or take it out (anything else), then go back to
    ``next`` (or the ad); for htmx, the heart alone, in its new state."""
    ad = selectors.ad_get_for_viewer(public_id=public_id, user=request.user)
    try:
        saved = services.favourite_set(user=request.user, ad=ad, saved=request.POST.get("saved") == "1")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if request.htmx:
            next_url = safe_next_url(request, request.POST.get("next"))
            context = presenters.favourite_context(ad=ad, user=request.user, saved=saved, next_url=next_url)
            return render(request, presenters.FAVOURITE_TEMPLATE, context)
    return redirect(safe_next_url(request, request.POST.get("next")) or ad)


@login_required
@require_GET
def favourite_list(request: HtmxHttpRequest) -> HttpResponse:
    """The ads the user saved, most recently saved first; ``after`` is the next page's cursor."""
    page = selectors.favourite_list(
        user=request.user, cursor=request.GET.get("after", ""), size=settings.MARKETPLACE_ADS_PAGE_SIZE
    )
    context = presenters.ad_list_context(form=None, page=page, query=request.GET)
    return render(request, "ads/favourites.html", context)
