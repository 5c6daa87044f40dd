"""API: the list of the users one blocked, and lifting a block (blocking happens from a conversation, in
the chat API)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import api_view
from rest_framework.response import Response

from accounts import selectors, services
from accounts.api.serializers import BlockSerializer
from marketplace.api import ErrorSerializer, error_response


@extend_schema(responses={200: BlockSerializer(many=True), 401: ErrorSerializer})
@api_view(["GET"])
def block_list(request):
    """The users the user blocked, newest first (the site's "Blocked users" page); one query."""
    return Response(BlockSerializer(selectors.blocks_made_by(user=request.user), many=True).data)


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
