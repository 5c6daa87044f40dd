"""API: the list of one's signed-in devices (API tokens), signing one out, and this device's native push
registration."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import api_view, authentication_classes
from rest_framework.response import Response

from accounts import selectors, services
from accounts.api.authentication import TokenAuthentication
from accounts.api.serializers import DeviceSerializer
from accounts.models import ApiToken, AppPushDevice
from marketplace import api
from marketplace.api import ErrorSerializer, error_response


@extend_schema(responses={200: DeviceSerializer(many=True), 401: ErrorSerializer})
@api_view(["GET"])
def device_list(request):
    """List the user's signed-in devices (their tokens), newest first; ``current`` marks this one."""
    tokens = selectors.api_tokens_for_user(user=request.user)
    current = request.auth if isinstance(request.auth, ApiToken) else None
    return Response(DeviceSerializer(tokens, many=True, context={"current": current}).data)


@extend_schema(
    request=None,
    responses={204: OpenApiResponse(description="Revoked."), 401: ErrorSerializer, 404: ErrorSerializer},
)
@api_view(["DELETE"])
def device_revoke(request, public_id: str):
    """Sign device *public_id* out (revoke its token). 404 for someone else's or an unknown device."""
    if not services.api_token_revoke(user=request.user, public_id=public_id):
        return error_response("not_found", "Not found.", status.HTTP_404_NOT_FOUND)
    return Response(status=status.HTTP_204_NO_CONTENT)


class PushRegistrationSerializer(serializers.Serializer):
    """This device's native push registration: its FCM registration token (FCM delivers to iOS too)."""

    token = api.CharField(max_length=500, help_text="The FCM registration token of this app install.")
    platform = serializers.ChoiceField(choices=AppPushDevice.Platform.choices)


@extend_schema(
    request=PushRegistrationSerializer,
    responses={200: PushRegistrationSerializer, 400: ErrorSerializer, 401: ErrorSerializer},
    methods=["PUT"],
)
@extend_schema(
    request=None,
    responses={
        204: OpenApiResponse(description="Unregistered (also when it was not)."),
        401: ErrorSerializer,
    },
    methods=["DELETE"],
)
@api_view(["PUT", "DELETE"])
@authentication_classes([TokenAuthentication])
def device_push(request):
    """PUT: register this device (the one whose token signs the request) for native push of new messages,
    sent when the user has no page or app open, as Web Push is; a new token replaces the device's old
    one, and a token another account had moves to this one (one install, one account). DELETE: stop.
    Revoking or signing out the device ends its registration too. 400 for a platform that is not
    ``android`` or ``ios``."""
    if request.method == "DELETE":
        services.app_push_unregister(api_token=request.auth)
        return Response(status=status.HTTP_204_NO_CONTENT)
    data = PushRegistrationSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    device = services.app_push_register(api_token=request.auth, **data.validated_data)
    return Response(PushRegistrationSerializer(device).data)
