from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ads.models import Ad, Category
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
                errors.extend(f"{uploaded.name}: {message}" for message in error.messages)
        if errors:
            raise ValidationError(errors)
        return processed


class AdForm(forms.ModelForm):
    """Create or edit an ad. Photos are optional and added to the existing ones on edit."""

    photos = MultiplePhotoField(
        label=_("Photos"),
        required=False,
        help_text=_("JPEG, PNG or WebP, up to 10 MB each. The first photo is the cover."),
    )

    class Meta:
        model = Ad
        fields = ("category", "title", "description", "price", "city")
        widgets = {"description": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.all()
        self.fields["category"].empty_label = _("Choose a category")
        self.fields["price"].widget.attrs.update({"min": "0", "step": "0.01", "inputmode": "decimal"})

    def clean_title(self):
        title = self.cleaned_data["title"].strip()
        if len(title) < 3:
            raise ValidationError(_("Give the ad a title of at least 3 characters."), code="short_title")
        return title


class AdSearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    category = forms.ModelChoiceField(
        queryset=Category.objects.all(), required=False, to_field_name="slug", empty_label=_("All categories")
    )
