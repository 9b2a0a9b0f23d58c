"""Wagtail's SQLite full-text backend with relevance ranked in one query (see :mod:`caspian.search.backends`)."""

from django.db.models import Case, IntegerField, Value, When
from modelsearch.backends.database.sqlite.query import MatchExpression
from modelsearch.backends.database.sqlite.sqlite import (
    SQLiteFTSIndexEntry,
    SQLiteSearchBackend,
    SQLiteSearchQueryCompiler,
    SQLiteSearchResults,
    normalize,
)
from modelsearch.query import MatchAll, Not
from modelsearch.utils import get_descendants_content_types_pks

from .headline_first import HeadlineFirstResults

# How many of the best matches are considered: a reader pages through far
# fewer, and the caller's filters (live, public, this site) drop few.
RANKED_CANDIDATES = 2000
# Below SQLite's smallest limit on query parameters.
CHUNK = 900


class RankedOnceQueryCompiler(SQLiteSearchQueryCompiler):
    def ranked_ids(self, config):
        """Ids of the best :data:`RANKED_CANDIDATES` matches that the queryset allows, best first.

        ``None`` when the query is not a plain ranked search (everything,
        nothing, a negation): Wagtail's own path handles those.
        """
        query = normalize(self.query)
        if not self.order_by_relevance or isinstance(query, MatchAll | Not):
            return None
        match = MatchExpression(self.fields or self.FTS_TABLE_FIELDS, self.build_search_query(query, config=config))
        content_types = get_descendants_content_types_pks(self.queryset.model)
        candidates = list(
            SQLiteFTSIndexEntry.objects.filter(match, index_entry__content_type__in=content_types)
            .annotate(score=self._build_rank_expression(self.get_search_vectors(), config))
            .order_by("score", "-index_entry__object_id")
            .values_list("index_entry__object_id", flat=True)[:RANKED_CANDIDATES]
        )
        ids = [self.queryset.model._meta.pk.to_python(value) for value in candidates]
        allowed = set()
        for start in range(0, len(ids), CHUNK):
            allowed.update(self.queryset.filter(pk__in=ids[start : start + CHUNK]).values_list("pk", flat=True))
        return list(dict.fromkeys(pk for pk in ids if pk in allowed))


class RankedOnceResults(HeadlineFirstResults, SQLiteSearchResults):
    def ranked_ids(self):
        """The compiler's :meth:`~RankedOnceQueryCompiler.ranked_ids`; ``None`` for Wagtail's own path.

        The admin's autocomplete (as-you-type searches of pages, images and
        choosers) comes through here with the backend's autocomplete
        compiler, which keeps Wagtail's ranking.
        """
        compiler = self.query_compiler
        if self._score_field is not None or not isinstance(compiler, RankedOnceQueryCompiler):
            return None
        return compiler.ranked_ids(compiler.get_config(self.backend))

    def get_queryset(self):
        ids = self.ranked_ids()
        if ids is None:
            return super().get_queryset()
        shown = ids[self.start : self.stop]
        order = Case(*(When(pk=pk, then=Value(rank)) for rank, pk in enumerate(shown)), output_field=IntegerField())
        return (
            self.query_compiler.queryset.filter(pk__in=shown).order_by(order)
            if shown
            else self.query_compiler.queryset.none()
        )

    def _do_count(self):
        ids = self.ranked_ids()
        return super()._do_count() if ids is None else len(ids[self.start : self.stop])


class RankedOnceSQLiteBackend(SQLiteSearchBackend):
    query_compiler_class = RankedOnceQueryCompiler
    results_class = RankedOnceResults
