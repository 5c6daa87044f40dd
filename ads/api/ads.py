"""API: browse ads with the site's filters, one ad, and putting one's reserved or sold ad back on sale."""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from ads import selectors, services
from ads.api.serializers import AdPageSerializer, AdSerializer
from ads.forms import AdSearchForm
from marketplace import api
from marketplace.api import REFUSALS, ErrorSerializer

MAX_PAGE = 10_000


@extend_schema(
    parameters=[
        OpenApiParameter("q", str, description="Words that must all be in the title or description."),
        OpenApiParameter("category", str, description="A category slug."),
        OpenApiParameter(
            "page",
            {"type": "integer", "minimum": 1, "maximum": MAX_PAGE},
            description="1-based page number.",
        ),
    ],
    responses={200: AdPageSerializer, 400: ErrorSerializer},
    auth=[],
    operation_id="ads_list",
)
@api_view(["GET"])
@permission_classes([AllowAny])
def ad_list(request):
    """The publicly listed ads (on sale, reserved, sold), newest first, MARKETPLACE_ADS_PAGE_SIZE a page,
    filtered like the site's list. Unknown filters are ignored, as on the site; ``next_page`` is null on
    the last page. Three queries (ads with category and seller, their photos)."""
    form = AdSearchForm(request.query_params or None)
    filters = form.cleaned_data if form.is_valid() else {}
    page = api.query_int(request, "page", minimum=1, maximum=MAX_PAGE) or 1
    size = settings.MARKETPLACE_ADS_PAGE_SIZE
    ads = selectors.ad_list_browsable(text=filters.get("q") or "", category=filters.get("category"))
    rows = list(ads[(page - 1) * size : page * size + 1])
    body = {"results": rows[:size], "next_page": page + 1 if len(rows) > size else None}
    return Response(AdPageSerializer(body).data)


@extend_schema(responses={200: AdSerializer, 404: ErrorSerializer}, auth=[])
@api_view(["GET"])
@permission_classes([AllowAny])
def ad_detail(request, public_id: str):
    """One ad as its page shows it; removed ads and ads of suspended sellers are 404 except to their
    owner and moderators (``ads.selectors.ad_get_for_viewer``)."""
    ad = selectors.ad_get_for_viewer(public_id=public_id, user=request.user)
    return Response(AdSerializer(ad).data)


@extend_schema(request=None, responses={200: AdSerializer, **REFUSALS})
@api_view(["POST"])
def ad_reactivate(request, public_id: str):
    """Put the user's reserved or sold ad back on sale: releases a reservation (the buyer's conversation
    reads "… released the reservation"), as the ad page's "Release the reservation" / "Put back on sale"
    do. 404 for someone else's
    ad; 400 ``removed`` for a removed one; a repeat changes nothing. Answers the ad as it is now."""
    ad = selectors.ad_get_owned(public_id=public_id, user=request.user)
    change = services.ad_reactivate(ad=ad, user=request.user)
    return Response(AdSerializer(change.ad).data)
