"""The filtered ad lists bench/run measures (as an anonymous visitor) and explains, over bench/generate's
catalogue (bench/catalogue.py)."""

from __future__ import annotations

from django.db import connection
from django.db.models import QuerySet
from django.http import QueryDict

from ads import search
from ads.forms import AdSearchForm
from ads.models import Ad

AD_SEARCH = "q=walnut+sofa&area=oakland&price_max=3000"
AD_FILTERS = "category=furniture&condition=good&price_min=100&price_max=2000&posted=30&sort=price_asc"


def queryset(query: str) -> QuerySet[Ad]:
    """Return the ads query the list runs for the GET parameters *query* (first page), to EXPLAIN."""
    form = AdSearchForm(QueryDict(query))
    form.is_valid()
    filters = form.filters()
    ads = search.apply_filters(Ad.objects.browsable().with_card_data(), filters)
    ads, keys = search.sorted_keys(
        ads, search.effective_sort(filters, vendor=connection.vendor), filters.text
    )
    return ads.order_by(*[f"-{name}" if descending else name for name, descending in keys])[:25]
