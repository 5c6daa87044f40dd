"""API: the owner's side of ads, as the site's "Place an ad", "Edit", "Mark as sold" and "Remove" do it:
the same services (``ads.services``) and the same form rules (``ads.forms.AdForm``, photos by
``marketplace.forms.MultiplePhotoField``), one place for each. JSON bodies; multipart only for photos."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from ads import selectors, services
from ads.api.serializers import AdSerializer, CategorySerializer, OwnAdPageSerializer
from ads.forms import AdForm
from ads.models import Ad, Category
from marketplace import api
from marketplace.api import REFUSALS, ErrorSerializer
from marketplace.requests import guarded

FIELDS = AdForm.Meta.fields  # the ad fields ads.services.ad_create takes besides photos
PRICE_PATTERN = r"^\d{1,10}(\.\d{1,2})?$"
MAX_PAGE = 10_000  # as the public list's (an owner with more than 200,000 ads is a bulk import, not an app)


class AdWriteSerializer(serializers.Serializer):
    """An ad's fields as JSON. The types are checked here; the rules (a title of at least 3 characters, a
    known category, …) are AdForm's, as on the site. On PATCH every field is optional."""

    category = api.CharField(help_text="A category slug (GET /categories/).")
    title = api.CharField(min_length=3, max_length=120)
    description = api.CharField(max_length=5000, allow_blank=True, required=False)
    price = api.CharField(
        allow_null=True,
        required=False,
        max_length=13,
        validators=[RegexValidator(PRICE_PATTERN, _("Enter a price like 450 or 450.00."))],
        help_text="Site currency, as text (`450.00`); null or absent: price on request.",
    )
    condition = serializers.ChoiceField(choices=Ad.Condition.choices, allow_blank=True, required=False)
    area = serializers.ChoiceField(choices=Ad.Area.choices, allow_blank=True, required=False)
    city = api.CharField(max_length=80, allow_blank=True, required=False)


class AdPatchSerializer(AdWriteSerializer):
    category = api.CharField(required=False)
    title = api.CharField(min_length=3, max_length=120, required=False)


class AdPhotosSerializer(serializers.Serializer):
    """Photos to append, as multipart/form-data (JPEG, PNG or WebP, verified and re-encoded)."""

    photos = serializers.ListField(
        child=serializers.ImageField(), min_length=1, max_length=settings.MARKETPLACE_PHOTOS_PER_AD
    )


def _refusal(form) -> ValidationError:
    """The form's errors as one ValidationError with field messages, coded by its first error (so a photo
    over the size limit answers 413 ``file_too_large``, as a message's photo does)."""
    data = form.errors.as_data()
    error = ValidationError({name: errors for name, errors in data.items()})
    error.code = next(e.code for errors in data.values() for e in errors) or "invalid"
    return error


def _valid_form(fields: dict, files=None, *, instance: Ad | None = None) -> AdForm:
    """AdForm bound to the API's *fields* (category by slug), validated; raises its refusal."""
    data = {name: "" if fields.get(name) is None else fields[name] for name in FIELDS}
    form = AdForm(data, files, instance=instance)
    form.fields["category"].to_field_name = "slug"
    if not form.is_valid():
        raise _refusal(form)
    return form


def _owned(request, public_id: str) -> Ad:
    return selectors.ad_get_owned(public_id=public_id, user=request.user)


def _answer(ad: Ad, code=status.HTTP_200_OK) -> Response:
    fresh = Ad.objects.select_related("category", "owner").prefetch_related("photos").get(pk=ad.pk)
    return Response(AdSerializer(fresh).data, status=code)


@extend_schema(responses={200: CategorySerializer(many=True), 406: ErrorSerializer}, auth=[])
@api_view(["GET"])
@permission_classes([AllowAny])
def category_list(request):
    """The categories an ad may be placed in (``slug`` goes in an ad's ``category``), by name. 406 for an
    Accept header that does not take JSON."""
    return Response(CategorySerializer(Category.objects.order_by("name"), many=True).data)


@extend_schema(
    parameters=[
        OpenApiParameter(
            "page", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE}, description="1-based."
        )
    ],
    responses={200: OwnAdPageSerializer, 400: ErrorSerializer, 401: ErrorSerializer},
    methods=["GET"],
)
@extend_schema(request=AdWriteSerializer, responses={201: AdSerializer, **REFUSALS}, methods=["POST"])
@api_view(["GET", "POST"])
def my_ads(request):
    """GET: the user's own ads, every status, newest first, a page at a time (the site's "My ads").
    POST: place an ad.

    POST takes the ad's fields as JSON (photos afterwards: ``POST my/ads/{id}/photos/``), validated by the
    site's form; 400 with ``fields`` for a refused one, 429 over ``ad_by_user``. Answers 201 with the ad."""
    if request.method == "GET":
        page = api.query_int(request, "page", minimum=1, maximum=MAX_PAGE) or 1
        size = settings.MARKETPLACE_ADS_PAGE_SIZE
        rows = list(selectors.ad_list_owned(user=request.user)[(page - 1) * size : page * size + 1])
        body = {"results": rows[:size], "next_page": page + 1 if len(rows) > size else None}
        return Response(OwnAdPageSerializer(body).data)
    data = AdWriteSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    cleaned = _valid_form(data.validated_data).cleaned_data
    fields = {name: cleaned[name] for name in FIELDS}
    ad = guarded(
        request, rule="ad_by_user", call=lambda _key: services.ad_create(owner=request.user, **fields)
    ).answer()
    return _answer(ad, status.HTTP_201_CREATED)


@extend_schema(request=AdPatchSerializer, responses={200: AdSerializer, **REFUSALS}, methods=["PATCH"])
@extend_schema(request=None, responses={200: AdSerializer, **REFUSALS}, methods=["DELETE"])
@api_view(["PATCH", "DELETE"])
def my_ad(request, public_id: str):
    """PATCH: change the user's ad (the fields sent; the rest stay). DELETE: remove it (conversations
    about it stay, flagged "no longer available"; a repeat changes nothing).

    404 for someone else's ad; 400 ``removed`` to edit a removed one; other refusals as the site's form."""
    ad = _owned(request, public_id)
    if request.method == "DELETE":
        return _answer(services.ad_remove(ad=ad, user=request.user).ad)
    data = AdPatchSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    current = {name: getattr(ad, name) for name in FIELDS}
    current["category"] = ad.category.slug
    current["price"] = None if ad.price is None else str(ad.price)
    cleaned = _valid_form({**current, **data.validated_data}, instance=ad).cleaned_data
    services.ad_update(ad=ad, user=request.user, **{name: cleaned[name] for name in FIELDS})
    return _answer(ad)


@extend_schema(request={"multipart/form-data": AdPhotosSerializer}, responses={200: AdSerializer, **REFUSALS})
@api_view(["POST"])
def my_ad_photos(request, public_id: str):
    """Append photos to the user's ad (multipart ``photos``; the first photo of an ad is its cover).

    At most MARKETPLACE_PHOTOS_PER_AD in all (400 ``too_many_photos``; none is stored then); each checked
    as on the site (413 ``file_too_large``, 400 for what is no image). 404 for someone else's ad."""
    ad = _owned(request, public_id)
    form = AdForm(files=request.FILES)
    field = form.fields["photos"]
    try:
        photos = field.clean(request.FILES.getlist("photos"))
    except ValidationError as error:
        form.add_error("photos", error)
        raise _refusal(form) from None
    current = {name: getattr(ad, name) for name in FIELDS if name != "category"}
    services.ad_update(ad=ad, user=request.user, category=ad.category, new_photos=photos, **current)
    return _answer(ad)


@extend_schema(request=None, responses={200: AdSerializer, **REFUSALS})
@api_view(["POST"])
def my_ad_sold(request, public_id: str):
    """Mark the user's ad sold (to the buyer it was reserved for, if any), as the ad page's button does.

    404 for someone else's ad; 400 ``removed`` for a removed one; a repeat changes nothing."""
    ad = _owned(request, public_id)
    return _answer(services.ad_mark_sold(ad=ad, user=request.user).ad)
