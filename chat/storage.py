"""Where chat photos live: outside MEDIA_ROOT, with no URL. Only ``chat.views.message_photo`` serves them,
after checking that the requester is a participant of the conversation (or a moderator)."""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible


@deconstructible
class PrivateMediaStorage(FileSystemStorage):
    """FileSystemStorage rooted at ``settings.MARKETPLACE_PRIVATE_MEDIA_ROOT`` (read at use, so tests can
    point it elsewhere) and without ``url()``: there is no public address to guess."""

    def __init__(self):
        super().__init__(base_url=None)

    @property
    def base_location(self):
        return str(settings.MARKETPLACE_PRIVATE_MEDIA_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Chat photos have no public URL; link to chat:message_photo instead.")
