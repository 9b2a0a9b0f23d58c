"""What each editorial event invalidates: cached pages (by tag) and the CDN (by URL).

Each function takes the changed object, works out the tags whose pages
now show something else (:mod:`.dependencies` names them) and the public
addresses to purge from a CDN or caching proxy in front (Wagtail's
frontend cache, configured by ``WAGTAILFRONTENDCACHE``).

Tags are invalidated at once and again after the transaction commits: at
once, so this process and tests see it; after commit, because a reader's
request could otherwise render the old content in between and store it.
The CDN is purged only after commit, for the same reason.
"""

import logging

from django.db import transaction
from django.urls import reverse
from wagtail.contrib.frontend_cache.utils import PurgeBatch

from ..distribution.feeds import CORRECTION_FORMATS, FORMATS
from ..newsroom.listings import FRONT_PAGE_LATEST_COUNT
from . import store
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


def article_changed(article, *, url_path_before=None, parent_before=None):
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
    pages = [article, *parents, *authors, *topics]
    section = article.section if article.section_id else None
    if section is not None:
        pages.append(section)
    if site is not None:
        pages.append(site.root_page)
    urls = [_absolute(site, path) for path in _listing_paths(tags, authors, section)]
    if url_path_before and site is not None:
        urls.append(site.root_url + url_path_before[len(site.root_page.url_path) - 1 :])
    _invalidate(keys, pages=pages, urls=urls)


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

    _invalidate({page_tag(pk) for pk in article_ids}, pages=ArticlePage.objects.filter(pk__in=article_ids))


def home_changed(home):
    """The front page was published: its lead story or the Must read picks may have changed."""
    _invalidate({page_tag(home.pk), MUST_READ}, pages=[home])


def author_changed(author):
    """An author's page (name, photo, bio shown in every byline box) changed."""
    _invalidate({page_tag(author.pk), AUTHORS}, pages=[author, author.get_parent()])


def page_changed(page):
    """Any other page changed (a section, a year folder, a plain page): navigation may show it."""
    _invalidate({page_tag(page.pk), SITE}, pages=[page])


def site_changed():
    """Publication settings or a site's address changed: every page may show it."""
    _invalidate({SITE})


def _invalidate(keys, *, pages=(), urls=()):
    store.invalidate(keys)
    pages, urls = list(pages), list(urls)

    def after_commit():
        store.invalidate(keys)
        _purge(pages, urls)

    transaction.on_commit(after_commit)


def _purge(pages, urls):
    batch = PurgeBatch(urls)
    for page in pages:
        batch.add_page(page)
    try:
        batch.purge()
    except Exception:  # a CDN outage must not fail an editor's publish
        logger.exception("Could not purge the CDN; pages there refresh within CASPIAN_CDN_MAX_AGE")


def _absolute(site, path):
    return (site.root_url if site is not None else "") + path
