"""API: a user's public profile, as its page shows it: name, member since, review averages, response time,
the latest published reviews and the ads on sale."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from accounts.api.serializers import PublicUserSerializer
from ads import selectors as ad_selectors
from ads.api.serializers import AdSerializer
from chat import presenters, selectors
from chat.presenters.reputation import PROFILE_ADS_SHOWN, PROFILE_REVIEWS_SHOWN
from marketplace.api import ErrorSerializer


class ProfileUserSerializer(PublicUserSerializer):
    member_since = serializers.DateTimeField(source="date_joined")


class ReviewSummarySerializer(serializers.Serializer):
    """Averages over the published reviews, one decimal; null without reviews."""

    count = serializers.IntegerField()
    reliability = serializers.FloatField(allow_null=True)
    friendliness = serializers.FloatField(allow_null=True)
    overall = serializers.FloatField(allow_null=True)


class PublishedReviewSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    author = serializers.CharField(source="author.display_name")
    reliability = serializers.IntegerField()
    friendliness = serializers.IntegerField()
    text = serializers.CharField()
    published_at = serializers.DateTimeField()


class PublicProfileSerializer(serializers.Serializer):
    user = ProfileUserSerializer()
    reviews = ReviewSummarySerializer()
    response_time_s = serializers.IntegerField(allow_null=True, help_text="Median first reply, seconds.")
    response_time = serializers.CharField(help_text='"Usually replies within …"; empty when unknown.')
    latest_reviews = PublishedReviewSerializer(many=True)
    ads = AdSerializer(many=True)


@extend_schema(responses={200: PublicProfileSerializer, 404: ErrorSerializer}, auth=[])
@api_view(["GET"])
@permission_classes([AllowAny])
def profile(request, public_id: str):
    """User *public_id*'s public profile (the site's profile page): open to everyone; 404 for unknown,
    suspended or closed accounts. ``response_time_s`` is the median first reply in seconds (null with
    too few conversations to say), ``response_time`` the same as the page words it. Six queries whatever
    the history (user, review summary, response time, reviews with authors, ads, their photos)."""
    user = selectors.profile_user_get(public_id=public_id)
    median_s = selectors.response_time_get(user_id=user.pk)
    body = {
        "user": user,
        "reviews": selectors.review_summary(user_id=user.pk),
        "response_time_s": median_s,
        "response_time": presenters.response_time_text(median_s),
        "latest_reviews": selectors.review_list_for_profile(user_id=user.pk, limit=PROFILE_REVIEWS_SHOWN),
        "ads": ad_selectors.ad_list_on_sale_by(owner=user)[:PROFILE_ADS_SHOWN],
    }
    return Response(PublicProfileSerializer(body).data)
