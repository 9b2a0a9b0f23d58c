"""Feeds (which articles an address is about, 304 when nothing changed), sitemaps and robots.txt."""

import hashlib

from django.conf import settings as django_settings
from django.contrib.sitemaps import views as sitemap_views
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import get_conditional_response, quote_etag
from django.utils.http import http_date
from taggit.models import Tag

from ..newsroom import sites
from ..newsroom.models import AuthorPage, PublicationSettings, SectionPage
from ..newsroom.querysets import site_articles
from ..query_parameters import reads_query
from . import sitemaps
from .feeds import FORMATS, ArticleFeed, FeedSource


@reads_query()
def feed(request, fmt, scope=None, slug=None):
    """``/feeds/rss.xml``, ``/feeds/section/<slug>/atom.xml``, ``/feeds/tag/<slug>/feed.json`` and the like."""
    source = _source(request, scope, slug)
    # The feed shows its newest articles: publishing, editing or unpublishing
    # any of them changes this list, and nothing else changes the feed. It is
    # read through the date index, so it costs the same over any archive.
    shown = list(
        source.articles.newest_first().values_list("pk", "last_published_at")[: django_settings.FEEDS_ITEM_COUNT]
    )
    if not shown:  # nothing published yet: an empty feed, which readers can subscribe to
        return ArticleFeed(source, FORMATS[fmt])(request)
    digest = hashlib.sha256(repr(shown).encode()).hexdigest()[:20]
    etag = quote_etag(f"{fmt}-{scope}-{slug}-{digest}")
    latest = max((published for _, published in shown if published), default=None)
    last_modified = int(latest.timestamp()) if latest else None
    response = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if response is None:
        response = ArticleFeed(source, FORMATS[fmt])(request)
    response["ETag"] = etag
    if last_modified:
        response["Last-Modified"] = http_date(last_modified)
    return response


def _source(request, scope, slug):
    articles, site = site_articles(request)
    publication = site.site_name or site.root_page.title
    settings = sites.site_setting(PublicationSettings, request)
    language = settings.language or "en"
    if scope is None:
        home = site.root_page.get_full_url(request)
        return FeedSource(publication, home, settings.tagline, language, articles)
    if scope == "section":
        section = get_object_or_404(SectionPage.objects.live().descendant_of(site.root_page), slug=slug)
        return FeedSource(
            f"{publication}: {section.title}",
            section.get_full_url(request),
            section.search_description or "",
            language,
            articles.in_section(section),
        )
    if scope == "author":
        author = get_object_or_404(AuthorPage.objects.live().descendant_of(site.root_page), slug=slug)
        return FeedSource(
            f"{publication}: {author.title}",
            author.get_full_url(request),
            f"Articles by {author.title}.",
            language,
            articles.by_author(author),
        )
    tag = get_object_or_404(Tag, slug=slug)
    return FeedSource(
        f"{publication}: {tag.name}",
        request.build_absolute_uri(reverse("tag", args=[tag.slug])),
        f"Articles tagged {tag.name}.",
        language,
        articles.tagged(tag),
    )


@reads_query()
def sitemap_index(request):
    return sitemap_views.index(
        request,
        sitemaps.for_site(_site(request)),
        sitemap_url_name="sitemap",
        template_name="distribution/sitemap_index.xml",
    )


@reads_query("p")  # Django's sitemap pages
def sitemap(request, section):
    return sitemap_views.sitemap(
        request, sitemaps.for_site(_site(request)), section=section, template_name="distribution/sitemap.xml"
    )


@reads_query()
def news_sitemap(request):
    """Google News: the last two days' articles with publication name and language."""
    site = _site(request)
    articles = list(sitemaps.news_articles(site))
    settings = sites.site_setting(PublicationSettings, request)
    response = TemplateResponse(
        request,
        "distribution/news_sitemap.xml",
        {
            "articles": [(request.build_absolute_uri(a.relative_url(site)), a) for a in articles],
            "publication": site.site_name or site.root_page.title,
            "language": (settings.language or "en").split("-")[0],
        },
        content_type="application/xml",
    )
    response["X-Robots-Tag"] = "noindex, noodp, noarchive"
    return response


@reads_query()
def robots_txt(request):
    """Crawlers may read every reader page; the admin and form endpoints are not for them."""
    lines = [
        "User-agent: *",
        f"Disallow: {django_settings.ADMIN_URL_PREFIX}",
        "Disallow: /comments/",
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap_index'))}",
        f"Sitemap: {request.build_absolute_uri(reverse('news_sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def _site(request):
    site = sites.find_site(request)
    if site is None:
        raise Http404("No site is configured for this host.")
    return site
