"""Declaring the query parameters a reader view reads, so that only they tell one page from another.

Below every app: the newsroom's views declare theirs with
:func:`reads_query` without importing the page cache, which reads the
declaration (see :mod:`caspian.pagecache.parameters`). A page model
declares its parameters in its ``query_parameters`` attribute instead.
"""


def reads_query(*names):
    """Declare the query parameters a view function reads: sets ``view.query_parameters`` to ``names``.

    ``@reads_query()`` declares that the view reads none. A view without
    a declaration is not stored by the page cache for a request with a query.
    """

    def declare(view):
        view.query_parameters = names
        return view

    return declare
