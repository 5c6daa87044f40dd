"""What the chat API accepts: the request bodies, validated with the house's strict fields
(``marketplace.api``); the limits are the models' and forms' (one place each)."""

from __future__ import annotations

from django.conf import settings
from rest_framework import serializers

from chat.models import MESSAGE_MAX_LENGTH, MESSAGE_REACTIONS, REVIEW_TEXT_MAX_LENGTH
from marketplace import api


class StartSerializer(serializers.Serializer):
    body = api.CharField(max_length=MESSAGE_MAX_LENGTH, trim_whitespace=False)


class SendSerializer(serializers.Serializer):
    """A text message as JSON (photos need the multipart form, SendPhotosSerializer)."""

    body = api.CharField(max_length=MESSAGE_MAX_LENGTH, trim_whitespace=False, allow_blank=True, default="")
    reply_to = api.IntegerField(required=False, allow_null=True, min_value=1, max_value=2**62)


class SendPhotosSerializer(SendSerializer):
    """A message with photos, as multipart/form-data. Documents MessageForm's rule (the view validates
    with the form): at most MARKETPLACE_PHOTOS_PER_MESSAGE photos."""

    photos = serializers.ListField(
        child=serializers.ImageField(),
        required=False,
        max_length=settings.MARKETPLACE_PHOTOS_PER_MESSAGE,
        default=list,
    )


class EditSerializer(serializers.Serializer):
    body = api.CharField(max_length=MESSAGE_MAX_LENGTH, trim_whitespace=False)


class ReactionInputSerializer(serializers.Serializer):
    emoji = serializers.ChoiceField(choices=list(MESSAGE_REACTIONS))


class OfferInputSerializer(serializers.Serializer):
    amount = api.CharField(max_length=30, help_text='As typed: "350", "1,200.50", "$99".')
    confirm_above_asking = api.BooleanField(default=False)


class FlagSerializer(serializers.Serializer):
    value = api.BooleanField()


class ReviewInputSerializer(serializers.Serializer):
    reliability = api.IntegerField(min_value=1, max_value=5)
    friendliness = api.IntegerField(min_value=1, max_value=5)
    text = api.CharField(
        max_length=REVIEW_TEXT_MAX_LENGTH, required=False, allow_blank=True, default="", trim_whitespace=False
    )
