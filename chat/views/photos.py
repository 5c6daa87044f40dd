"""Serving chat photos to the people allowed to see them."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpResponse
from django.views.decorators.http import require_GET

from chat import selectors
from chat.models import MessagePhoto
from marketplace.http import HtmxHttpRequest

PHOTO_VARIANTS = ("full", "thumb")


def photo_response(photo: MessagePhoto, variant: str) -> HttpResponse:
    """Return *photo*'s "full" or "thumb" file as a privately cached JPEG response."""
    stored = photo.image if variant == "full" else photo.thumbnail
    response = FileResponse(stored.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=86400"
    return response


@require_GET
def message_photo(request: HtmxHttpRequest, public_id: str, photo_id: int, variant: str) -> HttpResponse:
    """Serve a chat photo (``variant`` "full" or "thumb", JPEG) to the conversation's participants,
    privately cached for a day.

    Everyone else, logged in or not, gets 404: the URL says nothing about whether the photo exists. A photo
    of a message removed by a moderator is no longer shown. Moderators use ``moderation:message_photo``.
    """
    if variant not in PHOTO_VARIANTS or not request.user.is_authenticated:
        raise Http404("No such photo.")
    photo = selectors.message_photo_get_for_viewer(public_id=public_id, photo_id=photo_id, user=request.user)
    return photo_response(photo, variant)
