from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ads import presenters, selectors, services
from ads.forms import AdForm, AdSearchForm
from ads.models import Ad
from marketplace.http import safe_next_url


@require_GET
def ad_list(request) -> HttpResponse:
    """Browse ads: optional ``q`` (words in title/description), ``category`` (slug) and ``page``."""
    form = AdSearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    ads = selectors.ad_list_browsable(text=filters.get("q") or "", category=filters.get("category"))
    paginator = Paginator(ads, settings.MARKETPLACE_ADS_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "ads/list.html", {"form": form, "page": page, "query": query.urlencode()})


@require_GET
def ad_detail(request, public_id: str) -> HttpResponse:
    """Show one ad with its photos and, for a logged-in visitor who is not the owner, "Write to seller"."""
    ad = selectors.ad_get_for_viewer(public_id=public_id, user=request.user)
    return render(request, presenters.AD_DETAIL_TEMPLATE, presenters.ad_detail_context(ad=ad))


@login_required
@require_http_methods(["GET", "POST"])
def ad_create(request) -> HttpResponse:
    """Place a new ad with up to MARKETPLACE_PHOTOS_PER_AD photos."""
    form = AdForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        ad = services.ad_create(
            owner=request.user,
            category=form.cleaned_data["category"],
            title=form.cleaned_data["title"],
            description=form.cleaned_data["description"],
            price=form.cleaned_data["price"],
            city=form.cleaned_data["city"],
            photos=form.cleaned_data["photos"],
        )
        messages.success(request, gettext("Your ad is live."))
        return redirect(ad)
    status = 400 if request.method == "POST" else 200
    return render(request, "ads/form.html", {"form": form, "ad": None}, status=status)


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
