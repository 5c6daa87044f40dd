"""API: logging in for a device token, signing out, the list of one's devices, a new confirmation link,
blocking."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.urls import path
from drf_spectacular.utils import OpenApiResponse, extend_schema
from knox.auth import TokenAuthentication
from rest_framework import serializers, status
from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from accounts import login_throttle, selectors, services
from accounts.models import ApiToken
from marketplace.api import ErrorSerializer, error_response
from marketplace.ratelimits import check_rate_limit, rate_limit_count

LOGIN_REFUSED = "Enter a correct email address and password."


class LoginSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(max_length=4096, trim_whitespace=False)
    device = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class PublicUserSerializer(serializers.Serializer):
    public_id = serializers.CharField()
    display_name = serializers.CharField()
    email_verified = serializers.BooleanField(help_text="The account confirmed its email address.")
    avatar_url = serializers.SerializerMethodField()

    def get_avatar_url(self, user) -> str | None:
        return user.avatar.url if user.avatar else None


class DeviceSerializer(serializers.Serializer):
    public_id = serializers.CharField()
    device = serializers.CharField()
    created = serializers.DateTimeField()
    expiry = serializers.DateTimeField(allow_null=True)
    current = serializers.SerializerMethodField()

    def get_current(self, token) -> bool:
        current = self.context.get("current")
        return current is not None and token.pk == current.pk


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send as `Authorization: Token <token>`; shown only once.")
    expiry = serializers.DateTimeField(allow_null=True)
    device = DeviceSerializer()
    user = PublicUserSerializer()


def _account_key(email: str):
    return lambda group, request: login_throttle.account_key(email)


@extend_schema(
    request=LoginSerializer,
    responses={201: TokenSerializer, 400: ErrorSerializer, 429: ErrorSerializer},
    auth=[],
)
@api_view(["POST"])
@authentication_classes([])
@permission_classes([AllowAny])
def login(request):
    """Log in with email and password; returns a new device token (``device`` names it in the list).

    Rate limited like the login form: ``login_by_ip`` on every attempt and ``login_failures_by_account``
    on failed passwords (429 with Retry-After, the password is then not checked). A wrong email or password
    is 400 ``invalid_login``; a suspended account the same (nothing tells them apart)."""
    data = LoginSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    email = data.validated_data["email"]
    check_rate_limit(request, "login_by_ip", key="ip")
    check_rate_limit(request, "login_failures_by_account", key=_account_key(email), increment=False)
    user = authenticate(request._request, username=email, password=data.validated_data["password"])
    if user is None:
        rate_limit_count(request, "login_failures_by_account", key=_account_key(email))
        return error_response("invalid_login", LOGIN_REFUSED, status.HTTP_400_BAD_REQUEST)
    row, token = services.api_token_create(user=user, device=data.validated_data["device"])
    body = {"token": token, "expiry": row.expiry, "device": row, "user": user}
    return Response(TokenSerializer(body, context={"current": row}).data, status=status.HTTP_201_CREATED)


@extend_schema(
    request=None,
    responses={
        202: OpenApiResponse(description="A new confirmation link is on its way."),
        400: ErrorSerializer,
        401: ErrorSerializer,
        429: ErrorSerializer,
    },
)
@api_view(["POST"])
def verification_resend(request):
    """Mail a new link that confirms the account's email address (until it is confirmed, sending messages
    and offers answers 400 ``email_unverified``). 400 ``already_verified`` once it is; rate limited
    (``verification_email_by_user``, 429 with Retry-After)."""
    if request.user.email_verified:
        return error_response(
            "already_verified", "This email address is already confirmed.", status.HTTP_400_BAD_REQUEST
        )
    check_rate_limit(request, "verification_email_by_user")
    services.user_verification_send(user=request.user)
    return Response(status=status.HTTP_202_ACCEPTED)


@extend_schema(
    request=None, responses={204: OpenApiResponse(description="Signed out."), 401: ErrorSerializer}
)
@api_view(["POST"])
@authentication_classes([TokenAuthentication])
def logout(request):
    """Revoke the token this request is authenticated with (sign this device out)."""
    request.auth.delete()
    return Response(status=status.HTTP_204_NO_CONTENT)


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


@extend_schema(
    request=None,
    responses={204: OpenApiResponse(description="Unblocked."), 401: ErrorSerializer, 404: ErrorSerializer},
)
@api_view(["DELETE"])
def block_remove(request, public_id: str):
    """Lift the user's block on user *public_id* (blocking happens from a conversation:
    ``POST /conversations/{id}/block/``). 404 when there was no such block."""
    blocked = selectors.user_id_for_public_id(public_id=public_id)
    if blocked is None or not services.user_unblock(blocker=request.user, blocked_id=blocked):
        return error_response("not_found", "Not found.", status.HTTP_404_NOT_FOUND)
    return Response(status=status.HTTP_204_NO_CONTENT)


urlpatterns = [
    path("auth/login/", login, name="api-login"),
    path("auth/logout/", logout, name="api-logout"),
    path("auth/verification/resend/", verification_resend, name="api-verification-resend"),
    path("auth/devices/", device_list, name="api-devices"),
    path("auth/devices/<public_id:public_id>/", device_revoke, name="api-device-revoke"),
    path("blocks/<public_id:public_id>/", block_remove, name="api-block-remove"),
]
