"""Saved searches: the writes (save, rename, change the alert channel, delete, open) and the reads that
carry their owner rule (another user's search is a 404, like a missing one).

The filters are kept as the normalised query string of the ad list's search form
(``AdSearchForm.saved_query``), and read back by that same form (``filters_of``): one parser for the
list, the API and the notifier.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Q, QuerySet
from django.http import Http404, QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from ads import search
from ads.forms import AdSearchForm
from ads.models import Category, SavedSearch

# Saved searches per user. Each one costs the notifier one matching query per pass (bench/saved_searches.py
# measures 10,000), so the cap bounds a pass by the number of users; 20 is more than the alerts people
# keep on the classifieds sites that cap them (Kleinanzeigen and Avito allow a few dozen).
LIMIT_PER_USER = 20
NAME_MAX = 80

ERROR_MESSAGES = {
    "too_many_saved_searches": _(
        "You have %(limit)s saved searches, the most there can be. Delete one to save this search."
    ),
    "saved_search_exists": _("This search is already saved as “%(name)s”."),
    "bad_channel": _("Choose how to be told about new ads."),
    "empty_name": _("Give the search a name."),
}


def parse_query(query: str | QueryDict, *, categories: list[Category] | None = None) -> AdSearchForm:
    """Return the validated search form for *query* (a query string or QueryDict). Invalid fields are
    left out of its ``filters()`` and ``saved_query()``. *categories* spares the query validating a
    category slug (see ``AdSearchForm``)."""
    data = query if isinstance(query, QueryDict) else QueryDict(query)
    form = AdSearchForm(data, categories=categories)
    form.is_valid()
    return form


def filters_of(saved_search: SavedSearch, *, categories: list[Category] | None = None) -> search.AdFilters:
    """Return the filters *saved_search* keeps, parsed by the ad list's own form."""
    return parse_query(saved_search.query, categories=categories).filters()


def _clean_name(name: str) -> str:
    name = (name or "").strip()[:NAME_MAX]
    if not name:
        raise ValidationError(ERROR_MESSAGES["empty_name"], code="empty_name")
    return name


def _clean_channel(channel: str) -> str:
    if channel not in SavedSearch.Channel.values:
        raise ValidationError(ERROR_MESSAGES["bad_channel"], code="bad_channel")
    return channel


@transaction.atomic
def saved_search_create(
    *, user: User, query: str | QueryDict, name: str = "", channel: str = SavedSearch.Channel.INSTANT
) -> SavedSearch:
    """Save the filters of *query* (the ad list's GET parameters; normalised, invalid ones dropped) for
    *user* as *name* (default: a summary of the filters) with alerts on *channel* (a
    ``SavedSearch.Channel`` value). Only ads placed from now on are announced.

    Raises ValidationError ``too_many_saved_searches`` past LIMIT_PER_USER, ``saved_search_exists``
    when the same filters are saved already, ``bad_channel``. Locks the user's row, so two saves at once
    cannot pass the limit together.
    """
    User.objects.select_for_update().filter(pk=user.pk).first()
    form = parse_query(query)
    normalised = form.saved_query()
    existing = list(SavedSearch.objects.filter(user=user).values_list("query", "name"))
    if len(existing) >= LIMIT_PER_USER:
        raise ValidationError(
            ERROR_MESSAGES["too_many_saved_searches"],
            code="too_many_saved_searches",
            params={"limit": LIMIT_PER_USER},
        )
    for stored_query, stored_name in existing:
        if stored_query == normalised:
            raise ValidationError(
                ERROR_MESSAGES["saved_search_exists"],
                code="saved_search_exists",
                params={"name": stored_name},
            )
    saved_search = SavedSearch(
        user=user,
        query=normalised,
        name=_clean_name(name or form.summary()),
        channel=_clean_channel(channel),
    )
    saved_search.save()
    return saved_search


def saved_search_update(
    *, saved_search: SavedSearch, name: str | None = None, channel: str | None = None
) -> SavedSearch:
    """Rename *saved_search* and/or change its alert channel (None leaves a field as it is). Raises
    ValidationError ``empty_name`` / ``bad_channel``. The filters of a saved search do not change: save
    another one."""
    if name is not None:
        saved_search.name = _clean_name(name)
    if channel is not None:
        saved_search.channel = _clean_channel(channel)
    saved_search.save(update_fields=["name", "channel"])
    return saved_search


def saved_search_delete(*, saved_search: SavedSearch) -> None:
    """Delete *saved_search* and what it matched."""
    saved_search.delete()


def saved_search_open(*, saved_search: SavedSearch) -> str:
    """Mark *saved_search* opened now (its "N new" starts again from 0) and return the ad list's query
    string for it, newest first."""
    SavedSearch.objects.filter(pk=saved_search.pk).update(opened_at=timezone.now())
    params = QueryDict(saved_search.query, mutable=True)
    params["sort"] = search.NEWEST
    return params.urlencode()


def saved_search_get_for_owner(*, public_id: str, user: User, with_count: bool = False) -> SavedSearch:
    """Return *user*'s saved search *public_id* (with ``new_count`` as ``saved_search_list`` has it when
    *with_count*); Http404 for another user's or a missing one."""
    searches = saved_search_list(user=user) if with_count else SavedSearch.objects.filter(user_id=user.pk)
    saved_search = searches.filter(public_id=public_id).first()
    if saved_search is None:
        raise Http404("No such saved search.")
    return saved_search


def saved_search_list(*, user: User) -> QuerySet[SavedSearch]:
    """Return *user*'s saved searches, newest first, each with ``new_count``: the ads matched since they
    last opened it (one query for the whole list)."""
    new = Count("matches", filter=Q(matches__created_at__gt=F("opened_at")))
    return SavedSearch.objects.filter(user=user).annotate(new_count=new).order_by("-created_at", "-id")


def saved_search_page(*, user: User) -> list[SavedSearch]:
    """Return ``saved_search_list`` for *user* as a list, each search with ``summary``, its filters in
    words (two queries: the searches with their counts, the categories)."""
    searches = list(saved_search_list(user=user))
    categories = list(Category.objects.all()) if searches else []
    for item in searches:
        item.summary = parse_query(item.query, categories=categories).summary()
    return searches
