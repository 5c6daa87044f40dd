from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
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


class CategorySlugField(forms.ModelChoiceField):
    """A category by slug; with ``known`` (slug → Category, set by the form) it looks the slug up there
    instead of querying: the notifier parses thousands of saved searches with the categories read once."""

    known: dict | None = None

    def to_python(self, value):
        if self.known is None or value in self.empty_values:
            return super().to_python(value)
        if str(value) not in self.known:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return self.known[str(value)]


class AdSearchForm(forms.Form):
    """The ad list's search and filters, all optional, all in the query string (so a result is a link).

    A field that does not validate is left out of ``filters()`` rather than emptying the whole list.
    """

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    category = CategorySlugField(
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

    # The fields a saved search keeps, in the order of its normalised query string (no cursor: a saved
    # search starts from the first page; no sort: matching announces new ads whatever the order).
    SAVED_FIELDS = ("q", "category", "area", "condition", "price_min", "price_max", "posted", "photos")

    def __init__(self, *args, categories: list[Category] | None = None, **kwargs):
        """*categories* (every Category, read once by the caller) spares the query validating a slug."""
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        if categories is not None:
            self.fields["category"].known = {category.slug: category for category in categories}
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

    def saved_query(self) -> str:
        """Return the normalised query string of the valid filters (call after ``is_valid()``): the
        SAVED_FIELDS that are set, in that order, invalid ones left out; ``""`` for no filter. The same
        filters always give the same text, so it is what a saved search stores and compares."""
        data = getattr(self, "cleaned_data", {})
        params = QueryDict(mutable=True)
        for name in self.SAVED_FIELDS:
            value = data.get(name)
            if value in (None, "", False):
                continue
            if name == "category":
                value = value.slug
            elif name == "photos":
                value = "1"
            elif name in ("price_min", "price_max"):
                value = format(value.normalize(), "f")
            params[name] = str(value).strip()
        return params.urlencode()

    def summary(self) -> str:
        """Return a short name for the valid filters ("walnut sofa · Furniture · Oakland · up to 300"),
        the default name of a saved search; "All ads" with none."""
        data = getattr(self, "cleaned_data", {})
        parts = [data.get("q", "").strip()] if data.get("q", "").strip() else []
        if data.get("category"):
            parts.append(data["category"].display_name)
        for name in ("area", "condition", "posted"):
            if data.get(name):
                parts.append(dict(self.fields[name].choices)[str(data[name])])
        low, high = data.get("price_min"), data.get("price_max")
        if low is not None and high is not None:
            parts.append(f"{low.normalize():f}–{high.normalize():f}")
        elif low is not None:
            parts.append(_("from %(price)s") % {"price": f"{low.normalize():f}"})
        elif high is not None:
            parts.append(_("up to %(price)s") % {"price": f"{high.normalize():f}"})
        if data.get("photos"):
            parts.append(str(_("with photos")))
        return (" · ".join(str(part) for part in parts) or str(_("All ads")))[:80]
