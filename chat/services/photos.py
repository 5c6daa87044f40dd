"""Storing the photos of a message."""

from __future__ import annotations

from collections.abc import Sequence

from chat.models import Message, MessagePhoto
from marketplace.images import ProcessedImage


def message_photos_store(*, message: Message, photos: Sequence[ProcessedImage]) -> list[MessagePhoto]:
    """Store *photos* (verified and re-encoded by ``marketplace.images.process_uploaded_image``) with
    *message*, in order, in the private media storage; return the rows. Call inside the send's
    transaction so a failed write leaves no message without its photos."""
    stored_photos = []
    for position, photo in enumerate(photos):
        stored = MessagePhoto(message=message, position=position)
        stored.image.save(f"{message.pk}-{position}.jpg", photo.image, save=False)
        stored.thumbnail.save(f"{message.pk}-{position}-thumb.jpg", photo.thumbnail, save=False)
        stored.save()
        stored_photos.append(stored)
    return stored_photos
