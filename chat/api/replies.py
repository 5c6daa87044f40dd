"""API: the user's away message and quick replies (the same services and rules as the settings page)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import api_view
from rest_framework.response import Response

from chat import selectors, services
from chat.models import AWAY_TEXT_MAX_LENGTH, QUICK_REPLIES_MAX, QUICK_REPLY_DEFAULTS, QUICK_REPLY_MAX_LENGTH
from marketplace import api
from marketplace.api import REFUSALS


class AwaySerializer(serializers.Serializer):
    enabled = serializers.BooleanField()
    text = serializers.CharField()
    until = serializers.DateTimeField(allow_null=True, help_text="When away ends; null: until turned off.")
    active = serializers.BooleanField(help_text="Whether buyers who write now get the away message.")
    period = serializers.IntegerField(help_text="Away periods so far; turning away on starts a new one.")


class AwayInputSerializer(serializers.Serializer):
    enabled = api.BooleanField()
    text = api.CharField(max_length=AWAY_TEXT_MAX_LENGTH, allow_blank=True, trim_whitespace=False)
    until = serializers.DateTimeField(required=False, allow_null=True, default=None)


class QuickReplySerializer(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True, help_text="null for the defaults (not yet your own list).")
    text = serializers.CharField()


class QuickRepliesSerializer(serializers.Serializer):
    custom = serializers.BooleanField(help_text="false: the defaults, until the list is edited.")
    results = QuickReplySerializer(many=True)


class QuickReplyInputSerializer(serializers.Serializer):
    text = api.CharField(max_length=QUICK_REPLY_MAX_LENGTH, trim_whitespace=False)


class QuickRepliesInputSerializer(serializers.Serializer):
    texts = serializers.ListField(
        child=api.CharField(max_length=QUICK_REPLY_MAX_LENGTH, trim_whitespace=False, allow_blank=True),
        max_length=QUICK_REPLIES_MAX,
    )


def _away_body(row) -> dict:
    return {
        "enabled": row.away_enabled,
        "text": row.away_text,
        "until": row.away_until,
        "active": row.away_now(),
        "period": row.away_period,
    }


@extend_schema(responses={200: AwaySerializer, **REFUSALS}, methods=["GET"])
@extend_schema(request=AwayInputSerializer, responses={200: AwaySerializer, **REFUSALS}, methods=["PUT"])
@api_view(["GET", "PUT"])
def away(request):
    """GET: the user's away message. PUT: set it (``services.away_settings_update``: text of up to 500
    characters, required when enabled; ``until`` in the future or null). Turning it on when it was off
    starts a new away period. 400 ``away_text_required``, ``away_text_too_long``, ``away_until_past``."""
    if request.method == "PUT":
        data = AwayInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        row = services.away_settings_update(user=request.user, **data.validated_data)
    else:
        row = selectors.reply_settings_of(user_id=request.user.pk)
    return Response(AwaySerializer(_away_body(row)).data)


def _list_body(user_id: int) -> dict:
    own = selectors.own_quick_replies(user_id=user_id)
    if own is None:
        return {
            "custom": False,
            "results": [{"id": None, "text": str(text)} for text in QUICK_REPLY_DEFAULTS],
        }
    return {"custom": True, "results": own}


@extend_schema(responses={200: QuickRepliesSerializer, **REFUSALS}, methods=["GET"])
@extend_schema(
    request=QuickReplyInputSerializer, responses={201: QuickReplySerializer, **REFUSALS}, methods=["POST"]
)
@extend_schema(
    request=QuickRepliesInputSerializer, responses={200: QuickRepliesSerializer, **REFUSALS}, methods=["PUT"]
)
@api_view(["GET", "POST", "PUT"])
def quick_replies(request):
    """GET: the user's quick replies in order (the defaults until the list is edited). POST ``{"text"}``:
    add one at the end (201 with it). PUT ``{"texts": [...]}``: replace the whole list in this order
    (reorder; an unchanged text keeps its id; blank ones are dropped). Up to 10 replies of 200
    characters: 400 ``quick_replies_too_many``, ``quick_reply_too_long``, ``quick_reply_empty``."""
    if request.method == "POST":
        data = QuickReplyInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        added = services.quick_reply_add(user=request.user, text=data.validated_data["text"])
        return Response(QuickReplySerializer(added).data, status=status.HTTP_201_CREATED)
    if request.method == "PUT":
        data = QuickRepliesInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.quick_replies_set(user=request.user, texts=data.validated_data["texts"])
    return Response(QuickRepliesSerializer(_list_body(request.user.pk)).data)


@extend_schema(
    request=QuickReplyInputSerializer, responses={200: QuickRepliesSerializer, **REFUSALS}, methods=["PATCH"]
)
@extend_schema(request=None, responses={200: QuickRepliesSerializer, **REFUSALS}, methods=["DELETE"])
@api_view(["PATCH", "DELETE"])
def quick_reply(request, reply_id: int):
    """PATCH ``{"text"}``: change quick reply *reply_id*; DELETE: remove it. Answers the whole list.
    400 ``quick_reply_unknown`` for an id not in the user's own list."""
    text = None
    if request.method == "PATCH":
        data = QuickReplyInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        text = data.validated_data["text"]
    services.quick_reply_change(user=request.user, reply_id=reply_id, text=text)
    return Response(QuickRepliesSerializer(_list_body(request.user.pk)).data)
