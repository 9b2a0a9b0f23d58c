from django import template
from django.urls import reverse

from ...newsroom.models import AuthorPage, SectionPage

register = template.Library()

FEED_TYPES = [
    ("rss.xml", "application/rss+xml", "RSS"),
    ("atom.xml", "application/atom+xml", "Atom"),
    ("feed.json", "application/feed+json", "JSON Feed"),
]


@register.inclusion_tag("distribution/feed_links.html", takes_context=True)
def feed_links(context):
    """``<link rel="alternate">`` for the site's feeds and, on a section, author or tag page, for its own."""
    name = context["publication"]["name"] if "publication" in context else ""
    scopes = [(None, None, name)]
    page, tag = context.get("page"), context.get("tag")
    if isinstance(page, SectionPage | AuthorPage):
        scopes.append(("section" if isinstance(page, SectionPage) else "author", page.slug, f"{name}: {page.title}"))
    elif tag is not None and getattr(tag, "slug", ""):
        scopes.append(("tag", tag.slug, f"{name}: {tag.name}"))
    links = []
    for scope, slug, title in scopes:
        for fmt, mime, label in FEED_TYPES:
            kwargs = {"fmt": fmt, **({"scope": scope, "slug": slug} if scope else {})}
            links.append({"href": reverse("feed", kwargs=kwargs), "type": mime, "title": f"{title} ({label})"})
    return {"feed_links": links}
