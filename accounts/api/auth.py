"""API: logging in for a device token, signing out, a new confirmation link."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from accounts import login_throttle, selectors, services
from accounts.api.authentication import TokenAuthentication
from accounts.api.serializers import LoginSerializer, TokenSerializer, TooManyDevicesSerializer
from marketplace.api import ErrorSerializer, error_response
from marketplace.ratelimits import check_rate_limit, rate_limit_count

LOGIN_REFUSED = "Enter a correct email address and password."
TOO_MANY_DEVICES = _(
    "You are signed in on too many devices: log in again with sign_out_device set to one of those listed "
    "to sign it out."
)


def _account_key(email: str):
    return lambda group, request: login_throttle.account_key(email)


@extend_schema(
    request=LoginSerializer,
    responses={
        201: TokenSerializer,
        400: ErrorSerializer,
        409: TooManyDevicesSerializer,
        429: ErrorSerializer,
    },
    auth=[],
)
@api_view(["POST"])
@authentication_classes([])
@permission_classes([AllowAny])
def login(request):
    """Log in with email and password; returns a new device token (``device`` names it in the list).

    Rate limited like the login form: ``login_by_ip`` on every attempt and ``login_failures_by_account``
    on failed passwords (429 with Retry-After, the password is then not checked). A wrong email or password
    is 400 ``invalid_login``; a suspended account the same (nothing tells them apart). Past
    API_TOKENS_PER_USER devices the right password gets 409 ``too_many_devices`` with the devices listed;
    logging in again with ``sign_out_device`` (one of their ``public_id``) signs that one out first."""
    data = LoginSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    email = data.validated_data["email"]
    check_rate_limit(request, "login_by_ip", key="ip")
    check_rate_limit(request, "login_failures_by_account", key=_account_key(email), increment=False)
    user = authenticate(request._request, username=email, password=data.validated_data["password"])
    if user is None:
        rate_limit_count(request, "login_failures_by_account", key=_account_key(email))
        return error_response("invalid_login", LOGIN_REFUSED, status.HTTP_400_BAD_REQUEST)
    if data.validated_data.get("sign_out_device"):  # an unknown or foreign one: nothing to sign out
        services.api_token_revoke(user=user, public_id=data.validated_data["sign_out_device"])
    try:
        row, token = services.api_token_create(user=user, device=data.validated_data["device"])
    except ValidationError as error:
        if error.code != "too_many_devices":
            raise
        devices = selectors.api_tokens_for_user(user=user)
        body = {"code": error.code, "message": str(TOO_MANY_DEVICES), "devices": devices}
        return Response(TooManyDevicesSerializer(body).data, status=status.HTTP_409_CONFLICT)
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
