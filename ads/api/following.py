"""API: favourites (list, save, take out: idempotent PUT and DELETE) and saved searches (list, create,
read, rename or change the alert channel, delete), over the same services as the pages."""

from __future__ import annotations

from django.conf import settings
from django.http import QueryDict
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import api_view
from rest_framework.response import Response

from ads import saved_searches, selectors, services
from ads.api import search_filters
from ads.api.serializers import (
    AdPageSerializer,
    FavouriteSerializer,
    SavedSearchCreateSerializer,
    SavedSearchSerializer,
    SavedSearchUpdateSerializer,
)
from marketplace.api import REFUSALS


@extend_schema(
    parameters=[
        OpenApiParameter(
            "after",
            str,
            description="The `next_cursor` of a page (one that is not starts from the first page).",
        )
    ],
    responses={200: AdPageSerializer, **REFUSALS},
    operation_id="favourites_list",
)
@api_view(["GET"])
def favourite_list(request):
    """The ads the user saved, most recently saved first, MARKETPLACE_ADS_PAGE_SIZE a page (the site's
    Favourites page: removed ads and ads of suspended sellers are left out while they are so)."""
    page = selectors.favourite_list(
        user=request.user,
        cursor=request.query_params.get("after", ""),
        size=settings.MARKETPLACE_ADS_PAGE_SIZE,
    )
    return Response(AdPageSerializer({"results": page.ads, "next_cursor": page.next_cursor}).data)


@extend_schema(
    methods=["PUT"],
    request=None,
    responses={200: FavouriteSerializer, **REFUSALS},
    operation_id="favourites_add",
)
@extend_schema(
    methods=["DELETE"],
    request=None,
    responses={204: OpenApiResponse(description="Taken out (or was not saved)."), **REFUSALS},
    operation_id="favourites_remove",
)
@api_view(["PUT", "DELETE"])
def favourite_set(request, public_id: str):
    """Save the ad to the user's favourites (PUT) or take it out (DELETE); both idempotent. 404 for an ad
    the user may not see; 400 ``own_favourite`` for their own ad."""
    ad = selectors.ad_get_for_viewer(public_id=public_id, user=request.user)
    saved = services.favourite_set(user=request.user, ad=ad, saved=request.method == "PUT")
    if not saved:
        return Response(status=status.HTTP_204_NO_CONTENT)
    return Response(FavouriteSerializer({"ad": ad.public_id, "saved": True}).data)


def _read(request, public_id: str):
    return saved_searches.saved_search_get_for_owner(public_id=public_id, user=request.user, with_count=True)


@extend_schema(methods=["GET"], responses={200: SavedSearchSerializer(many=True), **REFUSALS})
@extend_schema(
    methods=["POST"], request=SavedSearchCreateSerializer, responses={201: SavedSearchSerializer, **REFUSALS}
)
@api_view(["GET", "POST"])
def saved_search_list(request):
    """The user's saved searches, newest first, each with its new-ad count (GET); save a search (POST):
    ``query`` in the `ads/` parameters (invalid ones refused, as by `ads/`), ``name`` (default: the filters
    in words), ``channel`` (default ``instant``). 400 ``too_many_saved_searches`` past 20,
    ``saved_search_exists`` for filters already saved."""
    if request.method == "GET":
        return Response(
            SavedSearchSerializer(saved_searches.saved_search_list(user=request.user), many=True).data
        )
    body = SavedSearchCreateSerializer(data=request.data)
    body.is_valid(raise_exception=True)
    form = search_filters.form_from_query(QueryDict(body.validated_data["query"]))
    created = saved_searches.saved_search_create(
        user=request.user,
        query=form.saved_query(),
        name=body.validated_data.get("name", ""),
        channel=body.validated_data.get("channel", "instant"),
    )
    return Response(
        SavedSearchSerializer(_read(request, created.public_id)).data, status=status.HTTP_201_CREATED
    )


@extend_schema(methods=["GET"], responses={200: SavedSearchSerializer, **REFUSALS})
@extend_schema(
    methods=["PATCH"], request=SavedSearchUpdateSerializer, responses={200: SavedSearchSerializer, **REFUSALS}
)
@extend_schema(
    methods=["DELETE"], request=None, responses={204: OpenApiResponse(description="Deleted."), **REFUSALS}
)
@api_view(["GET", "PATCH", "DELETE"])
def saved_search_detail(request, public_id: str):
    """One of the user's saved searches (GET), renamed or its alert channel changed (PATCH), or deleted
    (DELETE). 404 for another user's or a missing one."""
    saved_search = saved_searches.saved_search_get_for_owner(public_id=public_id, user=request.user)
    if request.method == "DELETE":
        saved_searches.saved_search_delete(saved_search=saved_search)
        return Response(status=status.HTTP_204_NO_CONTENT)
    if request.method == "PATCH":
        body = SavedSearchUpdateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        saved_searches.saved_search_update(
            saved_search=saved_search,
            name=body.validated_data.get("name"),
            channel=body.validated_data.get("channel"),
        )
    return Response(SavedSearchSerializer(_read(request, public_id)).data)
