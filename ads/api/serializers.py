"""What the ads API returns: an ad with its category, seller and photos, and a page of ads."""

from __future__ import annotations

from rest_framework import serializers

from ads.models import Ad, SavedSearch
from marketplace import api


class CategorySerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class AdPhotoSerializer(serializers.Serializer):
    url = serializers.CharField(source="image.url")
    thumbnail_url = serializers.CharField(source="thumbnail.url")
    width = serializers.IntegerField()
    height = serializers.IntegerField()


class SellerSerializer(serializers.Serializer):
    public_id = serializers.CharField()
    display_name = serializers.CharField()
    member_since = serializers.DateTimeField(source="date_joined")


class AdSerializer(serializers.Serializer):
    public_id = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()
    price = serializers.DecimalField(
        max_digits=12, decimal_places=2, allow_null=True, help_text="Site currency."
    )
    city = serializers.CharField()
    status = serializers.ChoiceField(choices=Ad.Status.choices)
    category = CategorySerializer()
    seller = SellerSerializer(source="owner")
    photos = AdPhotoSerializer(many=True, source="photos.all")
    created_at = serializers.DateTimeField()
    url = serializers.CharField(source="get_absolute_url")


class AdCardSerializer(AdSerializer):
    """An ad in a list (search results, favourites): the ad, its condition and area, and whether the
    user saved it to their favourites (always false signed out)."""

    condition = serializers.ChoiceField(choices=Ad.Condition.choices, allow_blank=True)
    area = serializers.ChoiceField(choices=Ad.Area.choices, allow_blank=True)
    is_favourite = serializers.BooleanField()


class AdPageSerializer(serializers.Serializer):
    results = AdCardSerializer(many=True)
    next_cursor = serializers.CharField(
        allow_null=True, help_text="Send as `after` for the next page; null on the last page."
    )


class FavouriteSerializer(serializers.Serializer):
    ad = serializers.CharField(help_text="The ad's public id.")
    saved = serializers.BooleanField()


class SavedSearchSerializer(serializers.Serializer):
    public_id = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    query = serializers.CharField(
        read_only=True,
        help_text="The filters as the ad list's query string, normalised (the `ads/` parameters).",
    )
    channel = serializers.ChoiceField(choices=SavedSearch.Channel.choices, read_only=True)
    new_count = serializers.IntegerField(
        read_only=True, help_text="Ads matched since the user last opened it."
    )
    created_at = serializers.DateTimeField(read_only=True)


class SavedSearchCreateSerializer(serializers.Serializer):
    query = api.CharField(
        max_length=500,
        allow_blank=True,
        help_text="The filters as a query string, e.g. `q=sofa&area=oakland`.",
    )
    name = api.CharField(
        max_length=80, required=False, allow_blank=True, help_text="Default: the filters in words."
    )
    channel = serializers.ChoiceField(choices=SavedSearch.Channel.choices, required=False)


class SavedSearchUpdateSerializer(serializers.Serializer):
    name = api.CharField(max_length=80, required=False)
    channel = serializers.ChoiceField(choices=SavedSearch.Channel.choices, required=False)


class OwnAdPageSerializer(serializers.Serializer):
    """A page of the user's own ads (every status), numbered pages: the owner's list is short."""

    results = AdSerializer(many=True)
    next_page = serializers.IntegerField(allow_null=True, help_text="null on the last page.")
