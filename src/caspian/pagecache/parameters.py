"""The query parameters that change a page: each view declares them, and only they are part of its cache key.

Anyone can add ``?junk=1``, ``?junk=2``… to an address. Were every query a
new entry, a bot could fill the cache with copies of one article and push
the real pages out. So each reader view says which parameters it reads:

- a page model, in its ``query_parameters`` (a tuple; every page type of
  Caspian's declares one, checked by a test);
- a view function, with :func:`caspian.query_parameters.reads_query`
  (which apps below the page cache can import).

The page cache stores a page under its address with the declared
parameters only (the last value of each, as views read them, in a fixed
order: ``canonical``), and learns each address's parameters when it
stores it (``store.remember_parameters``), so later requests with junk
find the same entry without reaching Django. A view that declares nothing
(``None``) is not stored for a request with a query. Trackers (``utm_…``,
``fbclid``…) are never part of a key.
"""

from urllib.parse import parse_qsl, urlencode

# Query parameters that never change a page: campaign and click trackers.
IGNORED_PREFIXES = ("utm_", "fbclid", "gclid", "mc_cid", "mc_eid")


def declared(request, response):
    """The parameters the view that made ``response`` declared, or ``None`` if it declared none."""
    page = (getattr(response, "context_data", None) or {}).get("page")
    if page is not None and hasattr(page, "query_parameters"):
        return page.query_parameters
    match = getattr(request, "resolver_match", None)
    view = getattr(match, "func", None)
    view = getattr(view, "view_class", view)  # class-based views carry it on the class
    return getattr(view, "query_parameters", None)


def canonical(query, names):
    """``query`` with only ``names`` (all but trackers when ``None``), the last value of each, sorted."""
    values = {}
    for name, value in parse_qsl(query, keep_blank_values=True):
        if name.startswith(IGNORED_PREFIXES) or (names is not None and name not in names):
            continue
        values[name] = value  # the last one wins, as with Django's QueryDict.get()
    return urlencode(sorted(values.items()))
