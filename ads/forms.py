from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ads import search
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
        fields = ("category", "title", "description", "price", "condition", "area", "city")
        widgets = {"description": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.all()
        self.fields["category"].empty_label = _("Choose a category")
        self.fields["price"].widget.attrs.update({"min": "0", "step": "0.01", "inputmode": "decimal"})
        self.fields["condition"].choices = [("", _("Not said"))] + Ad.Condition.choices
        self.fields["area"].choices = [("", _("Choose an area"))] + Ad.Area.choices
        self.fields["city"].label = _("Town or neighbourhood")

    def clean_title(self):
        title = self.cleaned_data["title"].strip()
        if len(title) < 3:
            raise ValidationError(_("Give the ad a title of at least 3 characters."), code="short_title")
        return title


class AdSearchForm(forms.Form):
    """The ad list's search and filters, all optional, all in the query string (so a result is a link).

    A field that does not validate is left out of ``filters()`` rather than emptying the whole list.
    """

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.all(),
        required=False,
        to_field_name="slug",
        empty_label=_("All categories"),
    )
    area = forms.ChoiceField(label=_("Area"), required=False, choices=[("", _("Anywhere"))] + Ad.Area.choices)
    condition = forms.ChoiceField(
        label=_("Condition"), required=False, choices=[("", _("Any condition"))] + Ad.Condition.choices
    )
    price_min = forms.DecimalField(
        label=_("Price from"), required=False, min_value=0, max_digits=12, decimal_places=2
    )
    price_max = forms.DecimalField(
        label=_("Price to"), required=False, min_value=0, max_digits=12, decimal_places=2
    )
    posted = forms.TypedChoiceField(
        label=_("Posted"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[
            ("", _("Any time")),
            ("1", _("Past 24 hours")),
            ("7", _("Past week")),
            ("30", _("Past month")),
        ],
    )
    photos = forms.BooleanField(label=_("With photos only"), required=False)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("", _("Best match")),
            (search.NEWEST, _("Newest first")),
            (search.PRICE_ASC, _("Price: low to high")),
            (search.PRICE_DESC, _("Price: high to low")),
        ],
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for name in ("price_min", "price_max"):
            self.fields[name].widget.attrs.update(
                {"step": "1", "inputmode": "decimal", "class": "price-input"}
            )
        self.fields["q"].widget = forms.TextInput(
            attrs={"type": "search", "placeholder": _("What are you looking for?"), "maxlength": "100"}
        )

    def filters(self) -> search.AdFilters:
        """Return the valid filters (call after ``is_valid()``; invalid fields count as not set)."""
        data = getattr(self, "cleaned_data", {})
        return search.AdFilters(
            text=data.get("q") or "",
            category=data.get("category"),
            price_min=data.get("price_min"),
            price_max=data.get("price_max"),
            condition=data.get("condition") or "",
            area=data.get("area") or "",
            with_photos=bool(data.get("photos")),
            posted_within_days=data.get("posted"),
            sort=data.get("sort") or "",
        )

    def active_filter_count(self) -> int:
        """How many filters besides the words and the sort are set (the Filters summary shows it)."""
        names = ("category", "area", "condition", "price_min", "price_max", "posted", "photos")
        data = getattr(self, "cleaned_data", {})
        return sum(1 for name in names if data.get(name) not in (None, "", False))
