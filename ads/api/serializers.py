"""What the ads API returns: an ad with its category, seller and photos, and a page of ads."""

from __future__ import annotations

from rest_framework import serializers

from ads.models import Ad


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


class AdPageSerializer(serializers.Serializer):
    results = AdSerializer(many=True)
    next_page = serializers.IntegerField(allow_null=True)
