"""As-you-type search (the admin's page search and choosers) with headline matches first, on either database.

Wagtail's database backends rank autocomplete matches by one column that
holds every autocomplete field alike, so a story named only in a short
standfirst can come before the story with the word in its headline. Here
the best :data:`WINDOW` matches, in the backend's order, are put headline
matches first (a headline holding every word typed, the last as the start
of a word); the backend's order stands within each group and past the
window.
"""

import re

WINDOW = 200
WORD = re.compile(r"\w+")


class HeadlineFirstResults:
    """A mixin for a backend's results class (before it in the bases)."""

    def _do_search(self):
        ranked = self._headline_first()
        return super()._do_search() if ranked is None else ranked[self.start : self.stop]

    def _headline_first(self):
        compiler = self.query_compiler
        terms = WORD.findall(str(getattr(compiler.query, "query_string", compiler.query)).lower())
        if not (getattr(compiler, "LAST_TERM_IS_PREFIX", False) and compiler.order_by_relevance and terms):
            return None
        if self._score_field is not None or self.stop is None or self.stop > WINDOW:
            return None
        window = self._clone()
        window.start, window.stop = 0, WINDOW
        best = list(super(HeadlineFirstResults, window)._do_search())
        return sorted(best, key=lambda page: not _headline_holds(getattr(page, "title", ""), terms))


def _headline_holds(title, terms):
    words = WORD.findall(title.lower())
    *whole, typed = terms
    return all(term in words for term in whole) and any(word.startswith(typed) for word in words)
