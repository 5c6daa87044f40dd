"""Serving chat photos to the people allowed to see them."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpResponse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.views.decorators.http import require_GET

from chat import selectors
from chat.models import MessagePhoto
from marketplace.http import HtmxHttpRequest

PHOTO_VARIANTS = ("full", "thumb")


def photo_response(photo: MessagePhoto, variant: str) -> HttpResponse:
    """Return *photo*'s "full" or "thumb" file as a JPEG response no cache may store.

    ``no-store`` as for every private page (``marketplace.middleware.PrivateNoStoreMiddleware``), set here
    so the site's, the API's and the moderators' views all carry it: a photo kept in a shared computer's
    disk cache would outlive the logout, and one kept for a day would outlive a moderator's removal."""
    stored = photo.image if variant == "full" else photo.thumbnail
    response = FileResponse(stored.open("rb"), content_type="image/jpeg")
    add_never_cache_headers(response)
    patch_cache_control(response, private=True)
    return response


@require_GET
def message_photo(request: HtmxHttpRequest, public_id: str, photo_id: int, variant: str) -> HttpResponse:
    """Serve a chat photo (``variant`` "full" or "thumb", JPEG) to the conversation's participants,
    never cached.

    Everyone else, logged in or not, gets 404: the URL says nothing about whether the photo exists. A photo
    of a message removed by a moderator is no longer shown. Moderators use ``moderation:message_photo``.
    """
    if variant not in PHOTO_VARIANTS or not request.user.is_authenticated:
        raise Http404("No such photo.")
    photo = selectors.message_photo_get_for_viewer(public_id=public_id, photo_id=photo_id, user=request.user)
    return photo_response(photo, variant)
