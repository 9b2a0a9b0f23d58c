"""What each editorial event invalidates: cached pages (by tag) and the CDN or proxy in front.

Each function takes the changed object, works out the tags whose pages
now show something else (:mod:`.dependencies` names them) and the public
addresses to purge from a CDN or caching proxy in front.

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

Tags are invalidated at once and again after the transaction commits: at
once, so this process and tests see it; after commit, because a reader's
request could otherwise render the old content in between and store it.
The CDN is purged only after commit, for the same reason.
"""

import logging

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from wagtail.contrib.frontend_cache.utils import PurgeBatch

from ..distribution.feeds import CORRECTION_FORMATS, FORMATS
from ..newsroom.listings import FRONT_PAGE_LATEST_COUNT
from . import proxy, store
from .dependencies import ARTICLES, AUTHORS, LATEST, MUST_READ, SITE, listing_tag, page_tag, tag_tag

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


def article_changed(article, *, url_path_before=None, parent_before=None, deleted=False):
    """An article was published, unpublished, moved or deleted.

    ``url_path_before``/``parent_before`` describe where a moved article was.
    """
    from ..newsroom.models import ArticlePage

    authors = [byline.author for byline in article.bylines.select_related("author")]
    tags = list(article.tags.all())
    parents = {article.get_parent()} | ({parent_before.specific} if parent_before else set())
    keys = {page_tag(article.pk), ARTICLES, listing_tag("section", article.section_id)}
    keys |= {listing_tag("year", parent.pk) for parent in parents}
    keys |= {listing_tag("section", parent.get_parent().pk) for parent in parents if parent_before}
    keys |= {listing_tag("author", author.pk) for author in authors}
    keys |= {tag_tag(tag.pk) for tag in tags}
    # A topic page lists its articles: one newly in the topic must show there. (One leaving the topic
    # is covered by its own page tag, which the topic page carries while it lists the article.)
    topics = list(article.topics.all())
    keys |= {page_tag(topic.pk) for topic in topics}
    site = article.get_site()
    if article.live and _among_newest(ArticlePage, article, site):
        keys.add(LATEST)
    pages = [*parents, *authors, *topics]
    section = article.section if article.section_id else None
    if section is not None:
        pages.append(section)
    if site is not None:
        pages.append(site.root_page)
    urls = [_absolute(site, path) for path in _listing_paths(tags, authors, section)]
    if url_path_before and site is not None:
        urls.append(site.root_url + url_path_before[len(site.root_page.url_path) - 1 :])
    # Withdrawn or deleted: gone everywhere at once, teasers included.
    _invalidate(keys, hard=not article.live or deleted, changed=[article], pages=pages, urls=urls)


def _among_newest(model, article, site):
    """Whether ``article`` is recent enough to show in Latest lists (the front page's is the longest)."""
    newer = model.objects.public_articles().filter(first_published_at__gt=article.first_published_at)
    if site is not None:
        newer = newer.in_site(site)
    return newer.count() <= FRONT_PAGE_LATEST_COUNT


def _listing_paths(tags, authors, section):
    paths = [reverse(name, kwargs=kwargs) for name, kwargs in SITEWIDE_LISTINGS]
    scopes = [("tag", tag.slug) for tag in tags if tag.slug] + [("author", author.slug) for author in authors]
    if section is not None:
        scopes.append(("section", section.slug))
    paths += [
        reverse("feed", kwargs={"scope": scope, "slug": slug, "fmt": fmt}) for scope, slug in scopes for fmt in FORMATS
    ]
    paths += [reverse("tag", args=[tag.slug]) for tag in tags if tag.slug]
    return paths


def comments_changed(article_ids):
    """Readers' comments (or their count) changed on these articles."""
    from ..newsroom.models import ArticlePage

    # The article's own page shows the comments: its old copy goes (store.Entry.own_tag); lists showing counts are soft.
    articles = list(ArticlePage.objects.filter(pk__in=article_ids))
    _invalidate({page_tag(pk) for pk in article_ids}, changed=articles)


def home_changed(home, *, deleted=False):
    """The front page was published: its lead story or the Must read picks may have changed."""
    _invalidate({page_tag(home.pk), MUST_READ}, hard=deleted or not home.live, changed=[home])


def author_changed(author, *, deleted=False):
    """An author's page (name, photo, bio shown in every byline box) changed."""
    hard = deleted or not author.live
    _invalidate({page_tag(author.pk), AUTHORS}, hard=hard, changed=[author], pages=[author.get_parent()])


def page_changed(page, *, deleted=False):
    """Any other page changed (a section, a year folder, a plain page): navigation may show it."""
    _invalidate({page_tag(page.pk), SITE}, hard=deleted or not page.live, changed=[page])


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
