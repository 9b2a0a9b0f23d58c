"""Cache tags: what a page depends on, named the same way for storing and for invalidating.

A page rendered for the cache depends on:

- ``page-<id>`` for every Wagtail page loaded while rendering it: the
  article itself, each teaser in Must read, More articles and Latest, the
  bylines' authors, the sections in the navigation. Collected
  automatically (a ``post_init`` receiver), so a new listing cannot forget.
- ``tag-<id>`` for every taggit tag loaded (an article's tags, a tag page).
- Listing tags for what could newly appear on it: ``latest``, ``must-read``,
  ``articles`` (any article at all: feeds, sitemaps, search), and
  ``section-<id>-list``, ``year-<id>-list``, ``author-<id>-list``.
- ``site`` for everything: publication settings and the navigation.

Pages over the whole archive (feeds, sitemaps) depend on ``articles``,
which every article's change invalidates, instead of on each article they
list: a sitemap page of 50,000 articles would otherwise carry 50,000 tags.

The same names go out in ``Surrogate-Key`` and ``Cache-Tag`` headers, so
a CDN can purge by tag too.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.apps import apps
from django.db.models.signals import post_init
from taggit.models import Tag
from wagtail.models import Page

SITE = "site"
LATEST = "latest"
MUST_READ = "must-read"
ARTICLES = "articles"
AUTHORS = "authors"

# URL names of views (outside Wagtail's page tree) listing articles, or their corrections.
ARTICLE_LISTING_VIEWS = {"feed", "sitemap_index", "sitemap", "news_sitemap", "search"}
ARTICLE_LISTING_VIEWS |= {"corrections", "corrections_feed"}
# Those of them showing nothing of an article that can change without
# ``articles`` being invalidated (search results show comment counts).
WHOLE_ARCHIVE_VIEWS = ARTICLE_LISTING_VIEWS - {"search"}

_collected = ContextVar("pagecache_collected", default=None)


def page_tag(page_id):
    return f"page-{page_id}"


def tag_tag(tag_id):
    return f"tag-{tag_id}"


def listing_tag(kind, object_id):
    """``kind`` is ``section``, ``year`` or ``author``."""
    return f"{kind}-{object_id}-list"


class Collected(set):
    """The tags collected while rendering a page; ``article_tags``: those naming articles."""

    def __init__(self):
        super().__init__()
        self.article_tags = set()


@contextmanager
def collecting():
    """Collect the tags of everything loaded inside the block into the :class:`Collected` it yields."""
    tags = Collected()
    token = _collected.set(tags)
    try:
        yield tags
    finally:
        _collected.reset(token)


def _page_loaded(sender, instance, **kwargs):
    tags = _collected.get()
    if tags is not None and instance.pk is not None:
        tags.add(page_tag(instance.pk))
        if instance._meta.label == "newsroom.ArticlePage":
            tags.article_tags.add(page_tag(instance.pk))


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
    return page_tag(page.pk) if isinstance(page, Page) and page.pk is not None else None


def for_response(request, response, collected):
    """Every tag of the page in ``response``: what it showed (``collected``) and what could newly appear on it."""
    from ..newsroom.models import ArchiveYearPage, ArticlePage, AuthorIndexPage, AuthorPage, HomePage, SectionPage

    tags = {SITE, *collected}
    page = _page_of(response)
    if isinstance(page, ArticlePage):
        # Latest and Must read; More articles draws on the section and on
        # the article's tags (collected as it loads them).
        tags |= {LATEST, MUST_READ, listing_tag("section", page.section_id)}
    elif isinstance(page, HomePage):
        # The front page's section blocks show each section's newest.
        tags |= {LATEST, MUST_READ, ARTICLES}
    elif isinstance(page, SectionPage):
        tags.add(listing_tag("section", page.pk))
    elif isinstance(page, ArchiveYearPage):
        tags.add(listing_tag("year", page.pk))
    elif isinstance(page, AuthorPage):
        tags.add(listing_tag("author", page.pk))
    elif isinstance(page, AuthorIndexPage):
        tags.add(AUTHORS)
    match = getattr(request, "resolver_match", None)
    if match is not None and match.url_name in ARTICLE_LISTING_VIEWS:
        tags.add(ARTICLES)
        if match.url_name in WHOLE_ARCHIVE_VIEWS:
            tags -= collected.article_tags
    return tags
