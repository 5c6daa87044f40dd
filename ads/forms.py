from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ads.models import Ad, Category
from marketplace.forms import MultiplePhotoField


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
