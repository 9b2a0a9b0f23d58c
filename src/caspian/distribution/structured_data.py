"""schema.org JSON-LD and Open Graph / Twitter card tags for reader pages.

Article pages get ``NewsArticle`` and ``BreadcrumbList``; the home page
gets ``WebSite`` (with the search action) and ``NewsMediaOrganization``.
All values come from what the page already loaded (the lead image's
renditions are prefetched with the page), so this adds no queries.
"""

import json

from django.templatetags.static import static
from django.urls import reverse
from django.utils.safestring import mark_safe

from ..newsroom import images

HEADLINE_LIMIT = 110  # Google's limit for NewsArticle headlines
JSON_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


def script(data):
    """``<script type="application/ld+json">`` with ``data``, safe to embed whatever strings it holds."""
    text = json.dumps(data, ensure_ascii=False).translate(JSON_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')


def publisher(request, publication):
    logo = publication["settings"].logo if publication["settings"].pk else None
    logo_url = logo.file.url if logo else static("caspian/favicon.svg")
    return {
        "@type": "NewsMediaOrganization",
        "name": publication["name"],
        "url": request.build_absolute_uri("/"),
        "logo": {"@type": "ImageObject", "url": request.build_absolute_uri(logo_url)},
    }


def share_images(article, request):
    """The lead image's share renditions as ``[(ratio, absolute url, width, height)]``, 16:9 first."""
    if not article.lead_image:
        return []
    renditions = images.share_renditions(article.lead_image)
    return [(ratio, request.build_absolute_uri(r.url), r.width, r.height) for ratio, r in renditions.items()]


def corrections(article):
    """schema.org ``CorrectionComment``s for the article's published corrections, newest first."""
    return [
        {"@type": "CorrectionComment", "text": c.text, "datePublished": c.published_at.isoformat()}
        for c in article.corrections_newest_first
    ]


def article_graph(article, request, publication, bylines, tags):
    url = article.get_full_url(request)
    headline = article.title if len(article.title) <= HEADLINE_LIMIT else article.title[: HEADLINE_LIMIT - 1] + "…"
    news_article = {
        "@type": "NewsArticle",
        "headline": headline,
        "description": article.standfirst,
        "image": [image_url for _, image_url, _, _ in share_images(article, request)],
        "datePublished": article.first_published_at.isoformat(),
        "dateModified": (article.updated_at or article.first_published_at).isoformat(),
        "author": [{"@type": "Person", "name": b.author.title, "url": b.author.get_full_url(request)} for b in bylines],
        "publisher": publisher(request, publication),
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "articleSection": article.section.title if article.section else "",
        "keywords": [tag.name for tag in tags],
    }
    if article.corrections_newest_first:
        news_article["correction"] = corrections(article)
    crumbs = [(publication["name"], request.build_absolute_uri("/"))]
    if article.section:
        crumbs.append((article.section.title, article.section.get_full_url(request)))
    crumbs.append((headline, url))
    breadcrumbs = {
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": n, "name": name, "item": link}
            for n, (name, link) in enumerate(crumbs, start=1)
        ],
    }
    return {"@context": "https://schema.org", "@graph": [news_article, breadcrumbs]}


def home_graph(request, publication):
    home = request.build_absolute_uri("/")
    website = {
        "@type": "WebSite",
        "name": publication["name"],
        "url": home,
        "potentialAction": {
            "@type": "SearchAction",
            "target": {"@type": "EntryPoint", "urlTemplate": request.build_absolute_uri(reverse("search")) + "?q={q}"},
            "query-input": "required name=q",
        },
    }
    return {"@context": "https://schema.org", "@graph": [website, publisher(request, publication)]}


def live_blog_graph(live_blog, request, publication, bylines, tags, entries):
    """``LiveBlogPosting`` and breadcrumbs for a live blog, with a ``BlogPosting`` for each of its ``entries``.

    Built on :func:`article_graph`: a live blog says all a news article says
    (dates, authors, publisher, section, corrections), as a live blog, with
    when coverage started and, once closed, ended.
    """
    graph = article_graph(live_blog, request, publication, bylines, tags)
    posting = graph["@graph"][0]
    posting["@type"] = "LiveBlogPosting"
    posting["coverageStartTime"] = live_blog.first_published_at.isoformat()
    if not live_blog.is_open and live_blog.closed_at:
        posting["coverageEndTime"] = live_blog.closed_at.isoformat()
    page_url = posting["mainEntityOfPage"]["@id"]
    posting["liveBlogUpdate"] = [live_blog_update(entry, page_url, request) for entry in entries]
    return graph


def live_blog_update(entry, page_url, request):
    """One live blog entry as a schema.org ``BlogPosting``, addressed by its anchor on the page."""
    text = entry.text
    headline = entry.headline or text
    update = {
        "@type": "BlogPosting",
        "headline": headline if len(headline) <= HEADLINE_LIMIT else headline[: HEADLINE_LIMIT - 1] + "…",
        "datePublished": entry.posted_at.isoformat(),
        "articleBody": text,
        "url": f"{page_url}#{entry.anchor}",
    }
    if entry.author and entry.author.live:
        update["author"] = {"@type": "Person", "name": entry.author.title, "url": entry.author.get_full_url(request)}
    elif entry.author:
        update["author"] = {"@type": "Person", "name": entry.author.title}
    rendition = images.jpeg_rendition(entry.image, "inline") if entry.image else None
    if rendition is not None:
        update["image"] = request.build_absolute_uri(rendition.url)
    return update
