"""What a cached page depends on, collected while it renders; the tag names are ``newsroom.cache_tags``'.

Every page (``page-<id>``) and taggit tag (``tag-<id>``) loaded while a
page renders is collected automatically (a ``post_init`` receiver), so a
new listing cannot forget one. To those :func:`for_response` adds ``site``,
the lists the page declares it shows (its ``cache_tags()``), and
``articles`` for the views outside the page tree that list articles.

Pages over the whole archive (feeds, sitemaps) depend on ``articles``
instead of on each article they list: a page type whose pages such views
stand for by one tag names it in ``cache_archive_tag``.

A view outside the page tree that is no page of its own kind (the content
API) says what it shows on its response: ``response.cache_tags``, the lists
it shows that something new could join, and ``response.cache_own_tag``,
the tag of the one page it is (whose change it must never outlive, as a
page's own copy).

The same names go out in ``Surrogate-Key`` and ``Cache-Tag`` headers, so
a CDN or proxy can purge by tag too.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.apps import apps
from django.db.models.signals import post_init
from taggit.models import Tag
from wagtail.models import Page

from ..newsroom.cache_tags import ARTICLES, SITE, page_tag, tag_tag

# URL names of views (outside Wagtail's page tree) listing articles, or their corrections.
ARTICLE_LISTING_VIEWS = {"feed", "sitemap_index", "sitemap", "news_sitemap", "search"}
ARTICLE_LISTING_VIEWS |= {"corrections", "corrections_feed"}
# Those of them showing nothing of an article that can change without
# ``articles`` being invalidated (search results show comment counts).
WHOLE_ARCHIVE_VIEWS = ARTICLE_LISTING_VIEWS - {"search"}

_collected = ContextVar("pagecache_collected", default=None)


class Collected(set):
    """The tags collected while rendering a page; ``archived``: those an archive tag stands for."""

    def __init__(self):
        super().__init__()
        self.archived = set()


@contextmanager
def collecting():
    """Collect the tags of everything loaded inside the block into the :class:`Collected` it yields."""
    tags = Collected()
    token = _collected.set(tags)
    try:
        yield tags
    finally:
        _collected.reset(token)


def note(tags):
    """Add ``tags`` to those of the page being rendered (it shows a kept part that showed them)."""
    collected = _collected.get()
    if collected is not None:
        collected.update(tags)


def _page_loaded(sender, instance, **kwargs):
    tags = _collected.get()
    if tags is not None and instance.pk is not None:
        tags.add(page_tag(instance.pk))
        if getattr(sender, "cache_archive_tag", None):
            tags.archived.add(page_tag(instance.pk))


def _tag_loaded(sender, instance, **kwargs):
    tags = _collected.get()
    if tags is not None and instance.pk is not None:
        tags.add(tag_tag(instance.pk))


def connect():
    for model in apps.get_models():
        if issubclass(model, Page):
            post_init.connect(_page_loaded, sender=model, dispatch_uid=f"pagecache-{model._meta.label}")
    post_init.connect(_tag_loaded, sender=Tag, dispatch_uid="pagecache-tag")


def _page_of(response):
    return (getattr(response, "context_data", None) or {}).get("page")


def own_tag(response):
    """The tag of the page ``response`` shows (``None`` for views that are not a page: feeds, search)."""
    page = _page_of(response)
    if isinstance(page, Page) and page.pk is not None:
        return page_tag(page.pk)
    return getattr(response, "cache_own_tag", None)


def for_response(request, response, collected):
    """Every tag of the page in ``response``: what it showed (``collected``) and what could newly appear on it."""
    tags = {SITE, *collected, *getattr(response, "cache_tags", ())}
    page = _page_of(response)
    if isinstance(page, Page) and hasattr(page, "cache_tags"):
        tags |= page.cache_tags()
    match = getattr(request, "resolver_match", None)
    if match is not None and match.url_name in ARTICLE_LISTING_VIEWS:
        tags.add(ARTICLES)
        if match.url_name in WHOLE_ARCHIVE_VIEWS:
            tags -= collected.archived
    return tags
