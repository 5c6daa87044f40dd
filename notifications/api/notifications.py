"""API: the notification centre: the list, its unread count, marking read, and the per-kind channels."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import api_view
from rest_framework.response import Response

from marketplace import api
from marketplace.api import REFUSALS
from notifications import selectors, services
from notifications.api.serializers import (
    KindSettingSerializer,
    MarkedSerializer,
    NotificationPageSerializer,
    NotificationSerializer,
    NotificationSettingsInputSerializer,
    UnreadCountSerializer,
)


@extend_schema(
    parameters=[
        OpenApiParameter(
            "before",
            {"type": "integer", "minimum": 1},
            description="The `next_before` of the previous page: only older notifications.",
        )
    ],
    responses={200: NotificationPageSerializer, **REFUSALS},
    operation_id="notifications_list",
)
@api_view(["GET"])
def notification_list(request):
    """The user's notifications shown in the centre, newest first, 20 a page (keyset on ``before``).
    Reading is not marking read. One query for the page."""
    before = api.query_int(request, "before", minimum=1)
    page, next_before = selectors.notification_page(user=request.user, before=before)
    return Response(NotificationPageSerializer({"results": page, "next_before": next_before}).data)


@extend_schema(responses={200: UnreadCountSerializer, **REFUSALS})
@api_view(["GET"])
def unread_count(request):
    """The bell's count: unread notifications shown in the centre (cached; at most one query)."""
    return Response({"unread": selectors.unread_count(user_id=request.user.pk)})


@extend_schema(request=None, responses={200: NotificationSerializer, **REFUSALS})
@api_view(["POST"])
def notification_read(request, notification_id: str):
    """Mark one of the user's notifications read (a repeat changes nothing); answers it. 404 for someone
    else's or an unknown one."""
    notification = selectors.notification_get_for_owner(user=request.user, public_id=notification_id)
    services.notification_mark_read(notification=notification)
    return Response(NotificationSerializer(notification).data)


@extend_schema(request=None, responses={200: MarkedSerializer, **REFUSALS})
@api_view(["POST"])
def notification_read_all(request):
    """Mark every notification of the user read; answers how many this call changed."""
    return Response({"marked": services.notifications_mark_all_read(user=request.user)})


@extend_schema(responses={200: KindSettingSerializer(many=True), **REFUSALS}, methods=["GET"])
@extend_schema(
    request=NotificationSettingsInputSerializer,
    responses={200: KindSettingSerializer(many=True), **REFUSALS},
    methods=["PATCH"],
)
@api_view(["GET", "PATCH"])
def notification_settings(request):
    """GET: every kind with its channels (in the centre, by email, by Web Push), defaults included.
    PATCH ``{"kinds": [{"kind", "centre", "email", "push"}]}``: change those kinds (the others stay),
    as the settings page does. Answers every kind as it is now."""
    if request.method == "PATCH":
        data = NotificationSettingsInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        choices = {
            row["kind"]: (row["centre"], row["email"], row["push"]) for row in data.validated_data["kinds"]
        }
        services.notification_settings_set(user=request.user, choices=choices)
    return Response(KindSettingSerializer(selectors.settings_for_user(user=request.user), many=True).data)
