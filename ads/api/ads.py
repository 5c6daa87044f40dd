"""API: browse ads with the site's filters, one ad, and putting one's reserved or sold ad back on sale."""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from ads import selectors, services
from ads.api import search_filters
from ads.api.serializers import AdPageSerializer, AdSerializer
from marketplace.api import REFUSALS, ErrorSerializer


@extend_schema(
    parameters=search_filters.PARAMETERS,
    responses={200: AdPageSerializer, 400: ErrorSerializer},
    auth=[],
    operation_id="ads_list",
)
@api_view(["GET"])
@permission_classes([AllowAny])
def ad_list(request):
    """The publicly listed ads (on sale, reserved, sold) with the site list's filters and sorts,
    MARKETPLACE_ADS_PAGE_SIZE a page; ``next_cursor`` (null on the last page) is the next page's
    ``after``. The site's own form parses the filters; an invalid one is a 400 naming it (the site
    ignores it instead). Three queries whatever the number of ads: the ads (with category, seller and
    the user's heart), their photos, the category of the filter."""
    filters = search_filters.filters_from_query(request.query_params)
    page = selectors.ad_search(
        filters=filters,
        viewer=request.user,
        cursor=request.query_params.get("after", ""),
        size=settings.MARKETPLACE_ADS_PAGE_SIZE,
    )
    return Response(AdPageSerializer({"results": page.ads, "next_cursor": page.next_cursor}).data)


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
