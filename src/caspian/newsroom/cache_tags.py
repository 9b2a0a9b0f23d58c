"""Cache tags: the names pages are cached and invalidated under, and what a page declares about them.

A page rendered for a cache depends on:

- ``page-<id>`` for every page loaded while rendering it: the page itself,
  each teaser in Must read, More articles and Latest, the bylines' authors,
  the sections in the navigation (collected as they load, by the page cache);
- ``tag-<id>`` for every taggit tag loaded;
- the lists it shows that a page could newly join, which each page type
  declares in ``cache_tags()``: ``latest``, ``must-read``, ``articles``
  (any article at all), ``section-<id>-list``, ``year-<id>-list``,
  ``author-<id>-list``, ``authors``;
- ``site`` for everything: publication settings and the navigation.

A page type also declares what a change to one of its pages invalidates,
in ``cache_invalidation()`` (see :class:`Invalidation`). Page types that
declare neither get the default: ``page-<id>`` and ``site``. So the page
cache (``caspian.pagecache``) never names a page type.
"""

from dataclasses import dataclass, field

SITE = "site"
LATEST = "latest"
MUST_READ = "must-read"
ARTICLES = "articles"
AUTHORS = "authors"


def page_tag(page_id):
    return f"page-{page_id}"


def tag_tag(tag_id):
    return f"tag-{tag_id}"


def listing_tag(kind, object_id):
    """``kind`` is ``section``, ``year`` or ``author``."""
    return f"{kind}-{object_id}-list"


@dataclass
class Invalidation:
    """What a change to a page invalidates, as its ``cache_invalidation()`` declares it.

    - ``tags``: every cached page carrying one of them shows the change;
    - ``hard``: nothing that showed the page may be served again (it was
      withdrawn or deleted); otherwise the change is soft, and only the
      page's own copy is dropped at once;
    - ``pages``: other pages showing the change, and ``scopes``, the
      ``(kind, slug)`` pairs (``tag``, ``author``, ``section``) whose feeds
      list it: addresses for CDNs that purge by address only.
    """

    tags: set
    hard: bool = False
    pages: list = field(default_factory=list)
    scopes: list = field(default_factory=list)


def default_invalidation(page, *, deleted=False, parent_before=None):
    """What a change to a page of a type that declares nothing invalidates: it, and the navigation."""
    return Invalidation({page_tag(page.pk), SITE}, hard=deleted or not page.live)
