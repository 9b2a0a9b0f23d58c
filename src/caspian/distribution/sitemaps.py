"""Sitemaps for search engines: articles (with their lead images), other pages, tags, and Google News.

Each sitemap is a Django ``Sitemap`` over a lazy queryset for the site
answering the request, so a sitemap page loads only its own rows (at most
``SITEMAP_PAGE_SIZE``) and costs the same few queries however large the
archive is.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag
from wagtail.models import Page

from ..newsroom.models import ArticlePage, ArticleTag, NewsImage

NEWS_WINDOW = timedelta(days=2)  # Google News reads articles of the last two days
NEWS_LIMIT = 1000


class SiteSitemap(Sitemap):
    """A sitemap of one Wagtail site; ``limit`` comes from ``SITEMAP_PAGE_SIZE``."""

    def __init__(self, site):
        self.site = site
        self.limit = settings.SITEMAP_PAGE_SIZE

    def get_latest_lastmod(self):
        # Django's default calls lastmod() on every item: one query here instead.
        if not hasattr(self, "lastmod"):
            return None
        return self.items().order_by().aggregate(latest=Max("last_published_at"))["latest"]


class ArticleSitemap(SiteSitemap):
    """Articles as plain rows, not pages: a sitemap page lists thousands and shows three facts of each."""

    def items(self):
        return (
            ArticlePage.objects.public_articles()
            .in_site(self.site)
            .order_by("pk")
            .values("url_path", "last_published_at", "lead_image__file")
        )

    def location(self, article):
        # What ``relative_url`` gives for a page of this site.
        return article["url_path"][len(self.site.root_page.url_path) - 1 :]

    def lastmod(self, article):
        return article["last_published_at"]

    def _urls(self, page, protocol, domain):
        urls = super()._urls(page, protocol, domain)
        storage = NewsImage._meta.get_field("file").storage
        for url in urls:
            image = url["item"]["lead_image__file"]
            if image:
                address = storage.url(image)
                url["image"] = address if "//" in address else f"{protocol}://{domain}{address}"
        return urls


class PageSitemap(SiteSitemap):
    """Every public page that is not an article: home, sections, year folders, authors, plain pages."""

    def items(self):
        return (
            Page.objects.live()
            .public()
            .descendant_of(self.site.root_page, inclusive=True)
            .not_type(ArticlePage)
            .order_by("path")
        )

    def location(self, page):
        return page.relative_url(self.site)

    def lastmod(self, page):
        return page.last_published_at


class TagSitemap(SiteSitemap):
    def items(self):
        articles = ArticlePage.objects.public_articles().in_site(self.site)
        used = ArticleTag.objects.filter(content_object__in=articles).values("tag")
        return Tag.objects.filter(pk__in=used).exclude(slug="").order_by("slug")

    def location(self, tag):
        return reverse("tag", args=[tag.slug])


def for_site(site):
    """The sitemaps of ``site``, by the name used in their addresses."""
    return {"articles": ArticleSitemap(site), "pages": PageSitemap(site), "tags": TagSitemap(site)}


def news_articles(site, now=None):
    """Articles for the Google News sitemap: published in the last two days, newest first, at most 1,000."""
    since = (now or timezone.now()) - NEWS_WINDOW
    return (
        ArticlePage.objects.public_articles()
        .in_site(site)
        .filter(first_published_at__gte=since)
        .defer_streamfields()
        .newest_first()[:NEWS_LIMIT]
    )
