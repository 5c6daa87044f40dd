"""The ad list's filters in the API: their OpenAPI parameters and the strict reading of a query with the
site's own form (``ads.forms.AdSearchForm``: one parser for the pages, the API and saved searches)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import QueryDict
from drf_spectacular.utils import OpenApiParameter

from ads import search
from ads.forms import AdSearchForm
from ads.models import Ad

_PRICE = {"type": "number", "minimum": 0, "maximum": 9999999999.99}
PARAMETERS = [
    OpenApiParameter(
        "q",
        {"type": "string", "minLength": 1, "maxLength": 100},
        description="Words in the title or description.",
    ),
    OpenApiParameter(
        "category", {"type": "string", "minLength": 1, "maxLength": 60}, description="A category slug."
    ),
    OpenApiParameter("area", {"type": "string", "enum": Ad.Area.values}, description="Where the item is."),
    OpenApiParameter("condition", {"type": "string", "enum": Ad.Condition.values}),
    OpenApiParameter(
        "price_min", _PRICE, description="Inclusive, site currency; leaves out 'price on request'."
    ),
    OpenApiParameter(
        "price_max", _PRICE, description="Inclusive, site currency; leaves out 'price on request'."
    ),
    OpenApiParameter(
        "posted", {"type": "integer", "enum": [1, 7, 30]}, description="Placed within this many days."
    ),
    OpenApiParameter("photos", {"type": "boolean"}, description="true: only ads with at least one photo."),
    OpenApiParameter(
        "sort",
        {"type": "string", "enum": [search.NEWEST, search.PRICE_ASC, search.PRICE_DESC, search.RELEVANCE]},
        description="Default: relevance with words, else newest. 'Price on request' sorts last.",
    ),
    OpenApiParameter(
        "after", str, description="The `next_cursor` of a page (one that is not starts from the first page)."
    ),
]
_NAMES = [parameter.name for parameter in PARAMETERS if parameter.name != "after"]
_BOOLEANS = {"true": "1", "false": ""}


def form_from_query(params: QueryDict) -> AdSearchForm:
    """Return the site's search form for the API query *params*, validated. Raises ValidationError
    ``invalid`` (field name → messages) for an empty value, a ``photos`` that is not true/false, or a
    value the form refuses: a program sent it, so it is told rather than ignored as on the pages."""
    data = QueryDict(mutable=True)
    errors: dict[str, list[str]] = {}
    for name in _NAMES:
        if name not in params:
            continue
        value = params[name]
        if name == "photos":
            if value not in _BOOLEANS:
                errors[name] = ["Enter true or false."]
            value = _BOOLEANS.get(value, "")
        elif not value.strip():
            errors[name] = ["This field may not be blank."]
        data[name] = value
    form = AdSearchForm(data)
    if not form.is_valid():
        errors.update({name: [str(m) for m in messages] for name, messages in form.errors.items()})
    if errors:
        raise ValidationError(errors, code="invalid")
    return form


def filters_from_query(params: QueryDict) -> search.AdFilters:
    """Return the filters of the API query *params* (see ``form_from_query``)."""
    return form_from_query(params).filters()
