"""Serving chat photos to the people allowed to see them."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.views.decorators.http import require_GET

from chat import responses, selectors
from marketplace.http import HtmxHttpRequest

responses.PHOTO_VARIANTS = ("full", "thumb")


@require_GET
def message_photo(request: HtmxHttpRequest, public_id: str, photo_id: int, variant: str) -> HttpResponse:
    """Serve a chat photo (``variant`` "full" or "thumb", JPEG) to the conversation's participants,
    never cached.

    Everyone else, logged in or not, gets 404: the URL says nothing about whether the photo exists. A photo
    of a message removed by a moderator is no longer shown. Moderators use ``moderation:message_photo``.
    """
    if variant not in responses.PHOTO_VARIANTS or not request.user.is_authenticated:
        raise Http404("No such photo.")
    photo = selectors.message_photo_get_for_viewer(public_id=public_id, photo_id=photo_id, user=request.user)
    return responses.photo_response(photo, variant)
