from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ads import selectors, services
from ads.forms import AdForm, AdSearchForm
from ads.models import Ad
from chat import selectors as chat_selectors
from chat.forms import BUYER_QUICK_REPLIES, StartConversationForm


@require_GET
def ad_list(request) -> HttpResponse:
    """Browse ads: optional ``q`` (words in title/description), ``category`` (slug) and ``page``."""
    form = AdSearchForm(request.GET or None)
    ads = Ad.objects.browsable().with_card_data()
    if form.is_valid():
        if form.cleaned_data["q"]:
            ads = ads.search(form.cleaned_data["q"])
        if form.cleaned_data["category"]:
            ads = ads.filter(category=form.cleaned_data["category"])
    paginator = Paginator(ads, settings.MARKETPLACE_ADS_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "ads/list.html", {"form": form, "page": page, "query": query.urlencode()})


def _detail_context(request, ad: Ad, **extra) -> dict:
    context = {"ad": ad, "photos": list(ad.photos.all()), "quick_replies": BUYER_QUICK_REPLIES}
    if request.user.is_authenticated and ad.owner_id == request.user.pk:
        context["conversation_count"] = chat_selectors.conversation_count_for_ad(
            user=request.user, ad_public_id=ad.public_id
        )
    elif "start_form" not in extra:
        context["start_form"] = StartConversationForm()
    context.update(extra)
    return context


@require_GET
def ad_detail(request, public_id: str) -> HttpResponse:
    """Show one ad with its photos and, for a logged-in visitor who is not the owner, "Write to seller"."""
    ad = selectors.ad_get_for_viewer(public_id=public_id, user=request.user)
    return render(request, "ads/detail.html", _detail_context(request, ad))


def render_ad_detail_with_error(
    request, ad: Ad, form: StartConversationForm, *, status: int = 400
) -> HttpResponse:
    """Re-render the ad page with the "Write to seller" form's errors and typed text (400, or 429)."""
    return render(request, "ads/detail.html", _detail_context(request, ad, start_form=form), status=status)


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
        messages.success(request, "Your ad is live.")
        return redirect(ad)
    status = 400 if request.method == "POST" else 200
    return render(request, "ads/form.html", {"form": form, "ad": None}, status=status)


def _own_ad(request, public_id: str) -> Ad:
    ad = get_object_or_404(Ad, public_id=public_id)
    if ad.owner_id != request.user.pk:
        # Other people's ads answer 404 here, not 403: the edit URL is not theirs to know about.
        raise Http404("No such ad.")
    return ad


@login_required
@require_http_methods(["GET", "POST"])
def ad_edit(request, public_id: str) -> HttpResponse:
    """Edit an ad (owner only; others get 404) and add photos."""
    ad = _own_ad(request, public_id)
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
            messages.success(request, "Ad saved.")
            return redirect(ad)
    status = 400 if request.method == "POST" else 200
    return render(request, "ads/form.html", {"form": form, "ad": ad}, status=status)


def _status_change(request, public_id: str, action, done_message: str) -> HttpResponse:
    ad = _own_ad(request, public_id)
    try:
        action(ad=ad, user=request.user)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, done_message)
    # "Mark as sold" next to an accepted offer comes back to the conversation it was pressed in.
    next_url = request.POST.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        return redirect(next_url)
    return redirect(ad)


@login_required
@require_POST
def ad_mark_sold(request, public_id: str) -> HttpResponse:
    """Mark the ad sold (owner only)."""
    return _status_change(
        request, public_id, services.ad_mark_sold, "Marked as sold. Buyers' chats now show it."
    )


@login_required
@require_POST
def ad_reactivate(request, public_id: str) -> HttpResponse:
    """Put a sold ad back on sale (owner only)."""
    return _status_change(request, public_id, services.ad_reactivate, "The ad is on sale again.")


@login_required
@require_POST
def ad_remove(request, public_id: str) -> HttpResponse:
    """Remove the ad (owner only). Conversations about it stay, flagged "no longer available"."""
    return _status_change(
        request, public_id, services.ad_remove, "Ad removed. Conversations about it are kept."
    )


@login_required
@require_GET
def my_ads(request) -> HttpResponse:
    """List the logged-in user's own ads, every status."""
    ads = Ad.objects.filter(owner=request.user).with_card_data()
    page = Paginator(ads, settings.MARKETPLACE_ADS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "ads/mine.html", {"page": page})
