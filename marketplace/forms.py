"""Form fields shared by the apps."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from marketplace.images import process_uploaded_image


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Several uploaded photos, each verified and re-encoded by Pillow in ``clean``."""

    widget = MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"})

    def __init__(self, *args, max_count_setting: str = "MARKETPLACE_PHOTOS_PER_AD", **kwargs):
        self.max_count_setting = max_count_setting  # read at clean time, so tests can change it
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        limit = getattr(settings, self.max_count_setting)
        if len(files) > limit:
            raise ValidationError(
                _("Choose at most %(limit)s photos."), code="too_many_photos", params={"limit": limit}
            )
        processed, errors = [], []
        for uploaded in files:
            try:
                processed.append(
                    process_uploaded_image(
                        uploaded,
                        max_bytes=settings.MARKETPLACE_PHOTO_MAX_BYTES,
                        max_pixels=settings.MARKETPLACE_PHOTO_MAX_PIXELS,
                    )
                )
            except ValidationError as error:
                # Each keeps its code (``file_too_large``…): the API answers by it (413 for a big photo).
                errors.extend(
                    ValidationError(f"{uploaded.name}: {text}", code=error.code) for text in error.messages
                )
        if errors:
            raise ValidationError(errors)
        return processed
