"""API: the viewer's own organisation of their chats: pins and labels (private to the viewer)."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import api_view
from rest_framework.response import Response

from chat import access, selectors, services
from chat.api import serializers as s
from chat.models import LABEL_NAME_MAX_LENGTH, LABELS_PER_USER
from marketplace import api

REFUSALS = api.REFUSALS


class LabelInputSerializer(serializers.Serializer):
    name = api.CharField(
        max_length=200, help_text=f"1–{LABEL_NAME_MAX_LENGTH} characters once spaces are collapsed."
    )


class LabelListSerializer(serializers.Serializer):
    labels = s.LabelSerializer(many=True)


class LabelIdsSerializer(serializers.Serializer):
    labels = serializers.ListField(
        child=api.IntegerField(min_value=1, max_value=2**63 - 1),
        max_length=LABELS_PER_USER,
        help_text="Ids of the viewer's own labels: the conversation's labels become exactly these.",
    )


@extend_schema(
    methods=["GET"],
    request=None,
    responses={200: LabelListSerializer, **REFUSALS},
    operation_id="labels_list",
)
@extend_schema(
    methods=["POST"],
    request=LabelInputSerializer,
    responses={201: s.LabelSerializer, **REFUSALS},
    operation_id="labels_create",
)
@api_view(["GET", "POST"])
def labels(request):
    """GET: the viewer's labels, by name. POST ``{"name": …}``: create one (at most LABELS_PER_USER, 20, of
    at most 30 characters; ``label_exists``, ``label_limit``, ``label_empty``, ``label_too_long``)."""
    if request.method == "POST":
        body = LabelInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        label = services.label_create(user=request.user, name=body.validated_data["name"])
        return Response(s.LabelSerializer(label).data, status=status.HTTP_201_CREATED)
    own, _on = selectors.labels_for_user(user=request.user)
    return Response(LabelListSerializer({"labels": own}).data)


@extend_schema(request=None, responses={204: OpenApiResponse(description="Deleted."), **REFUSALS})
@api_view(["DELETE"])
def label_delete(request, label_id: int):
    """Delete one of the viewer's labels (it leaves every conversation it was on); 404 for any other id."""
    if not services.label_delete(user=request.user, label_id=label_id):
        raise Http404("No such label.")
    return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(
    methods=["GET"],
    request=None,
    responses={200: LabelListSerializer, **REFUSALS},
    operation_id="conversation_labels_get",
)
@extend_schema(
    methods=["PUT"],
    request=LabelIdsSerializer,
    responses={200: LabelListSerializer, **REFUSALS},
    operation_id="conversation_labels_set",
)
@api_view(["GET", "PUT"])
def conversation_labels(request, public_id: str):
    """The viewer's labels on this conversation. PUT ``{"labels": [ids]}`` makes them exactly those ids
    (``label_unknown`` for an id that is not one of the viewer's labels); 404 for non-participants."""
    conversation = access.access_conversation(user=request.user, public_id=public_id)
    if request.method == "PUT":
        body = LabelIdsSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.conversation_set_labels(
            conversation=conversation, user=request.user, label_ids=body.validated_data["labels"]
        )
    _own, on = selectors.labels_for_user(user=request.user, conversation_ids=[conversation.id])
    return Response(LabelListSerializer({"labels": on.get(conversation.id, [])}).data)


@extend_schema(request=s.FlagSerializer, responses={200: s.ConversationDetailSerializer, **REFUSALS})
@api_view(["POST"])
def conversation_pin(request, public_id: str):
    """Pin (``{"value": true}``) the conversation to the top of the viewer's list, or unpin it; at most 5
    pinned (``pin_limit``: unpin one first)."""
    conversation = access.access_conversation(user=request.user, public_id=public_id)
    flag = s.FlagSerializer(data=request.data)
    flag.is_valid(raise_exception=True)
    services.conversation_set_pinned(
        conversation=conversation, user=request.user, pinned=flag.validated_data["value"]
    )
    conversation = access.access_conversation(user=request.user, public_id=public_id)
    return Response(s.ConversationDetailSerializer(conversation, context={"viewer": request.user}).data)
