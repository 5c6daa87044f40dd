import re

from django.contrib.postgres.search import SearchQuery, SearchVector, SearchVectorField
from django.db import connections, models
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

# The text search configurations every ad is indexed and searched in (PostgreSQL's built-in stemmers).
SEARCH_CONFIGS = ("english", "russian")

SEARCH_WORDS = 8
_WORD = re.compile(r"\w+")


def full_text_query(text: str) -> SearchQuery | None:
    """Return the query matching ads whose title or description has every word of *text* (at most
    SEARCH_WORDS words; punctuation ignored), the last one as a prefix so results follow typing; None
    when *text* has no word. In every SEARCH_CONFIGS configuration, either may match."""
    words = _WORD.findall(text.lower())[:SEARCH_WORDS]
    if not words:
        return None
    raw = " & ".join(words[:-1] + [f"{words[-1]}:*"])
    query = None
    for config in SEARCH_CONFIGS:
        part = SearchQuery(raw, config=config, search_type="raw")
        query = part if query is None else query | part
    return query


class SearchDocument(models.Expression):
    """The expression of ``Ad.search_vector``: title (weight A) and description (weight B), each in every
    SEARCH_CONFIGS configuration, so a Russian or an English word is found by its stem either way.

    PostgreSQL stores it as a generated column; on SQLite (development, the default test run) it is a
    NULL column, because SQLite has no tsvector and searches with icontains instead.
    """

    output_field = SearchVectorField(null=True)

    def _vector(self):
        parts = [
            SearchVector(field, config=config, weight=weight)
            for field, weight in (("title", "A"), ("description", "B"))
            for config in SEARCH_CONFIGS
        ]
        vector = parts[0]
        for part in parts[1:]:
            vector = vector + part
        return vector

    def resolve_expression(self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False):
        clone = self.copy()
        clone.resolved = self._vector().resolve_expression(query, allow_joins, reuse, summarize, for_save)
        return clone

    def as_sql(self, compiler, connection):
        return compiler.compile(self.resolved)

    def as_sqlite(self, compiler, connection):
        return "NULL", []


class AdQuerySet(models.QuerySet):
    def active(self):
        """Ads on sale: not reserved, sold or removed."""
        return self.filter(status=self.model.Status.ACTIVE)

    def browsable(self):
        """Ads shown in public listings: active, reserved and sold (they stay visible, marked so), by
        owners who are not suspended."""
        return self.exclude(status=self.model.Status.REMOVED).filter(owner__is_active=True)

    def search(self, text: str):
        """Filter by words in the title or description (every word must match).

        On PostgreSQL through ``search_vector`` (stems, ranked by ``ads.search``); elsewhere by substrings.
        """
        if connections[self.db].vendor == "postgresql":
            query = full_text_query(text)
            return self.filter(search_vector=query) if query is not None else self
        for word in text.split()[:SEARCH_WORDS]:
            self = self.filter(Q(title__icontains=word) | Q(description__icontains=word))
        return self

    def with_card_data(self):
        """Fetch what an ad card shows: category, owner and photos in position order (AdPhoto's
        ``Meta.ordering``; 2 extra queries)."""
        return self.select_related("category", "owner").prefetch_related("photos")

    def with_favourite_for(self, user):
        """Annotate ``is_favourite``: whether *user* (maybe anonymous) saved each ad; no extra query."""
        if not user.is_authenticated:
            return self.annotate(is_favourite=Value(False))
        saved = self.model.favourites.rel.related_model.objects.filter(user=user, ad=OuterRef("pk"))
        return self.annotate(is_favourite=Exists(saved))

    def with_favourite_count(self):
        """Annotate ``favourite_count``: how many users saved each ad (for its owner's eyes only)."""
        favourites = self.model.favourites.rel.related_model.objects.filter(ad=OuterRef("pk"))
        count = Subquery(
            favourites.values("ad").annotate(n=Count("*")).values("n"), output_field=IntegerField()
        )
        return self.annotate(favourite_count=Coalesce(count, 0))
