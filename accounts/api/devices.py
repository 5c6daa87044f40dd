"""API: the list of one's signed-in devices (API tokens) and signing one out."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import api_view
from rest_framework.response import Response

from accounts import selectors, services
from accounts.api.serializers import DeviceSerializer
from accounts.models import ApiToken
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
