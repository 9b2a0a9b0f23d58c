"""What each editorial event invalidates: cached pages (by tag) and the CDN or proxy in front.

Each function takes the changed object and finds the tags whose pages now
show something else, and the public addresses to purge from a CDN or
caching proxy in front. A page declares what a change to it invalidates
(its ``cache_invalidation()``, see ``caspian.newsroom.cache_tags``), so
nothing here names a page type.

A change is **soft** unless something must disappear: pages that show the
change in a list are served stale while one request renders them anew,
and only the changed page's own copy is dropped (see :mod:`.store`). It is
**hard** when an article is withdrawn, deleted or restricted: nothing that
showed it is served again.

The caching proxy at ``CASPIAN_PURGE_URL`` (Varnish with xkey, see
``deploy/``) is purged by the same tags, soft or hard (:mod:`.proxy`), and
by the changed pages' own addresses. CDNs that purge only by address
(Wagtail's frontend cache backends in ``WAGTAILFRONTENDCACHE``) get every
address that shows the change.

Inside a transaction, tags are invalidated at once and again after it
commits: at once, so this process and tests see it; after commit, because a reader's
request could otherwise render the old content in between and store it.
The CDN is purged only after commit, for the same reason.
"""

import logging

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from wagtail.contrib.frontend_cache.utils import PurgeBatch
from wagtail.models import Page

from ..distribution.feeds import CORRECTION_FORMATS, FORMATS
from ..newsroom.cache_tags import ARTICLES, SITE, default_invalidation, page_tag
from . import proxy, store

logger = logging.getLogger(__name__)

# Addresses that list every article: feeds and sitemaps (first pages), and the corrections.
SITEWIDE_LISTINGS = [
    *(("feed", {"fmt": fmt}) for fmt in FORMATS),
    ("corrections", {}),
    *(("corrections_feed", {"fmt": fmt}) for fmt in CORRECTION_FORMATS),
    ("sitemap_index", {}),
    ("news_sitemap", {}),
    *(("sitemap", {"section": name}) for name in ("articles", "pages", "tags")),
]


def page_changed(page, *, deleted=False, url_path_before=None, parent_before=None):
    """A page was published, unpublished, moved or deleted: what it declares (its ``cache_invalidation()``).

    ``url_path_before``/``parent_before`` describe where a moved page was.
    """
    declared = getattr(page, "cache_invalidation", None)
    if declared is not None:
        change = declared(deleted=deleted, parent_before=parent_before)
    else:
        change = default_invalidation(page, deleted=deleted)
    site = page.get_site()
    urls = [_absolute(site, path) for path in _listing_paths(change)]
    if url_path_before and site is not None:
        urls.append(site.root_url + url_path_before[len(site.root_page.url_path) - 1 :])
    _invalidate(change.tags, hard=change.hard, changed=[page], pages=change.pages, urls=urls)


def _listing_paths(change):
    """Addresses of the feeds and lists showing a change (for CDNs that purge only by address)."""
    paths = [reverse(name, kwargs=kwargs) for name, kwargs in SITEWIDE_LISTINGS] if ARTICLES in change.tags else []
    paths += [
        reverse("feed", kwargs={"scope": scope, "slug": slug, "fmt": fmt})
        for scope, slug in change.scopes
        for fmt in FORMATS
    ]
    paths += [reverse("tag", args=[slug]) for scope, slug in change.scopes if scope == "tag"]
    return paths


def comments_changed(article_ids):
    """Readers' comments (or their count) changed on these articles."""
    # Each article's own page shows them: its old copy goes (store.Entry.own_tag); counts elsewhere are soft.
    _invalidate({page_tag(pk) for pk in article_ids}, changed=list(Page.objects.filter(pk__in=article_ids)))


def restriction_changed(page):
    """A page's view restriction was added, changed or lifted: it and every page below it, everywhere, at once."""
    keys = {page_tag(page.pk)} | ({SITE} if page.get_children_count() else set())
    _invalidate(keys, hard=True, changed=[page])


def site_changed():
    """Publication settings or a site's address changed: every page may show it."""
    _invalidate({SITE})


def _invalidate(keys, *, hard=False, changed=(), pages=(), urls=()):
    """Invalidate ``keys`` here now, and here, in the proxy and in CDNs once committed.

    ``changed``: the pages that changed themselves (their own addresses are
    purged everywhere); ``pages`` and ``urls``: other addresses showing the
    change, for CDNs that cannot purge by tag.
    """
    if transaction.get_connection().in_atomic_block:
        # Now as well, so this process sees the change before it commits. (Outside a
        # transaction on_commit runs at once: twice would throw away renders begun between.)
        store.invalidate(keys, hard=hard)
    changed, pages, urls = list(changed), list(pages), list(urls)

    def after_commit():
        store.invalidate(keys, hard=hard)
        proxy.purge_tags(keys, soft=not hard)
        _purge_addresses(changed, [*changed, *pages], urls)

    transaction.on_commit(after_commit)


# The WAGTAILFRONTENDCACHE backend that is the tag-purged proxy at CASPIAN_PURGE_URL (see settings).
TAGGED_PROXY = "proxy"


def _purge_addresses(changed, pages, urls):
    """Purge the changed pages from the tag-purged proxy, and everything from CDNs purged by address."""
    configured = set(settings.WAGTAILFRONTENDCACHE)
    tagged = {TAGGED_PROXY} & configured if settings.PURGE_URL else set()
    _purge(PurgeBatch(), changed, backends=tagged)
    _purge(PurgeBatch(urls), pages, backends=configured - tagged)


def _purge(batch, pages, backends):
    if not backends:
        return
    for page in pages:
        batch.add_page(page)
    try:
        batch.purge(backends=sorted(backends))
    except Exception:  # a CDN outage must not fail an editor's publish
        logger.exception("Could not purge the CDN; pages there refresh within CASPIAN_CDN_MAX_AGE")


def _absolute(site, path):
    return (site.root_url if site is not None else "") + path
