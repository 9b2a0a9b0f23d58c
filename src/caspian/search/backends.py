"""Wagtail's database search backend, with relevance ranking that stays fast over a large archive on SQLite.

Configured as ``WAGTAILSEARCH_BACKENDS["default"]["BACKEND"]`` when no
search server is: it is Wagtail's ``database`` backend for the database in
use, except that on SQLite results ordered by relevance are ranked with one
full-text query. Wagtail's SQLite backend (django-modelsearch) annotates
each matching article with a correlated subquery that runs the full-text
match again for that article, so a word found in a few thousand of 100,000
articles took 40-90 seconds. Here the match and its BM25 scores are read
once, best first, and the caller's queryset then keeps the candidates it
allows, in that order. The ranking itself (fields, boosts, BM25) is the
backend's own. On either database, as-you-type results put headline
matches first (:mod:`.headline_first`).
"""

import functools

from modelsearch.backends.database import SearchBackend as database_backend

from .headline_first import HeadlineFirstResults


# Wagtail looks a backend module's ``SearchBackend`` up by that name.
def SearchBackend(params):
    backend = database_backend(params)
    if type(backend).__name__ == "SQLiteSearchBackend":
        # Imported here: its models exist only when the database is SQLite.
        from .sqlite import RankedOnceSQLiteBackend

        return RankedOnceSQLiteBackend(params)
    backend.results_class = _headline_first(backend.results_class)
    return backend


@functools.cache
def _headline_first(results_class):
    return type(f"HeadlineFirst{results_class.__name__}", (HeadlineFirstResults, results_class), {})
