from django import template
from django.urls import reverse

from ...newsroom.models import ArticlePage, AuthorPage, LiveBlogPage, SectionPage
from .. import structured_data as structured
from ..feeds import FORMATS

register = template.Library()


@register.inclusion_tag("distribution/feed_links.html", takes_context=True)
def feed_links(context):
    """``<link rel="alternate">`` for the site's feeds and, on a section, author or tag page, for its own.

    A view with feeds of its own (the corrections page) lists them as
    ``page_feeds``: dicts with ``href``, ``type`` and ``title``.
    """
    name = context["publication"]["name"] if "publication" in context else ""
    scopes = [(None, None, name)]
    page, tag = context.get("page"), context.get("tag")
    if isinstance(page, SectionPage | AuthorPage):
        scopes.append(("section" if isinstance(page, SectionPage) else "author", page.slug, f"{name}: {page.title}"))
    elif tag is not None and getattr(tag, "slug", ""):
        scopes.append(("tag", tag.slug, f"{name}: {tag.name}"))
    links = []
    for scope, slug, title in scopes:
        for fmt, feed_type in FORMATS.items():
            kwargs = {"fmt": fmt, **({"scope": scope, "slug": slug} if scope else {})}
            mime = feed_type.content_type.split(";")[0]
            links.append(
                {"href": reverse("feed", kwargs=kwargs), "type": mime, "title": f"{title} ({feed_type.label})"}
            )
    links.extend(context.get("page_feeds", ()))
    return {"feed_links": links}


@register.simple_tag(takes_context=True)
def structured_data(context):
    """JSON-LD for the page: NewsArticle and breadcrumbs on articles, WebSite and publisher on the front page."""
    request, page = context.get("request"), context.get("page")
    if request is None or "publication" not in context:
        return ""
    if isinstance(page, LiveBlogPage) and page.pk and page.live:  # LiveBlogPosting instead of NewsArticle
        publication, bylines, tags = context["publication"], context.get("bylines", []), context.get("tags", [])
        graph = structured.live_blog_graph(page, request, publication, bylines, tags, context.get("entries", []))
        return structured.script(graph)
    if isinstance(page, ArticlePage) and page.pk and page.live:
        graph = structured.article_graph(
            page, request, context["publication"], context.get("bylines", []), context.get("tags", [])
        )
    elif context.get("is_front_page"):
        graph = structured.home_graph(request, context["publication"])
    else:
        return ""
    return structured.script(graph)


@register.inclusion_tag("distribution/social_meta.html", takes_context=True)
def social_meta(context):
    """Open Graph and Twitter card tags: an article's with its image, dates, section and tags; else the site's."""
    request, page = context.get("request"), context.get("page")
    if request is None or page is None or "publication" not in context:
        return {}
    meta = {
        "site_name": context["publication"]["name"],
        "title": getattr(page, "seo_title", "") or page.title,
        "description": getattr(page, "search_description", "") or getattr(page, "standfirst", ""),
        "url": request.build_absolute_uri(),
        "type": "website",
    }
    if isinstance(page, ArticlePage) and page.pk:
        images = structured.share_images(page, request)
        meta.update(
            type="article",
            url=page.get_full_url(request),
            image=images[0] if images else None,
            image_alt=page.lead_image_alt,
            published=page.first_published_at,
            modified=page.updated_at or page.first_published_at,
            section=page.section.title if page.section else "",
            tags=[tag.name for tag in context.get("tags", [])],
            authors=[byline.author.get_full_url(request) for byline in context.get("bylines", [])],
        )
    return {"meta": meta}
