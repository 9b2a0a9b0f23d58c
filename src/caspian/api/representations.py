"""Pages and rows as the API shows them: plain dicts matching :mod:`.schemas`, built without queries of their own.

Whatever a representation reads must have been loaded by the QuerySet
method its endpoint calls (``with_metadata()`` and the like), so a list
costs the same number of queries for 2 items as for 20.
"""

from functools import cached_property

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from wagtail import blocks
from wagtail.rich_text import expand_db_html

from ..newsroom import images, sites
from ..newsroom.models import LiveBlogPage, PublicationSettings
from ..newsroom.querysets import is_public_page
from ..newsroom.sites import site_setting

# Fixed sizes, in JPEG so every client can show them.
RENDITIONS = {
    "thumbnail": "fill-320x180|format-jpeg",
    "medium": "width-960|format-jpeg",
    "large": "width-1440|format-jpeg",
}


class Context:
    """What every representation needs of the request: the site, its language and absolute addresses."""

    def __init__(self, request, site):
        self.request, self.site = request, site
        self.language = site_setting(PublicationSettings, request).language

    def absolute(self, url):
        return self.request.build_absolute_uri(url) if url.startswith("/") else url

    def api(self, name, **kwargs):
        return self.absolute(reverse(f"api-v1:{name}", kwargs=kwargs))

    def page_url(self, page):
        """A page's canonical address on this site, from its ``url_path`` (no query)."""
        root = self.site.root_page.url_path
        return self.site.root_url + "/" + page.url_path[len(root) :]

    def is_public(self, page):
        """Whether the API shows ``page`` at its own address here (live, on this site, not private)."""
        return is_public_page(page, self.site, self._restricted_paths)

    @cached_property
    def _restricted_paths(self):
        return sites.restricted_paths()


def prefetch_images(images_shown):
    """Load in one query the renditions of these images (``None`` skipped) this process has not shown yet."""
    images.prefetch_renditions(images_shown)


def image(context, shown, alt="", caption="", credit=""):
    if shown is None:
        return None
    renditions = images.shown_renditions(shown, RENDITIONS.values()) or {}
    return {
        "id": shown.pk,
        "title": shown.title,
        "alt": alt,
        "caption": caption,
        "credit": credit or getattr(shown, "credit", ""),
        "renditions": {
            size: {"url": context.absolute(r.url), "width": r.width, "height": r.height}
            for size, spec in RENDITIONS.items()
            if (r := renditions.get(spec)) is not None
        },
    }


def section_ref(context, section):
    if section is None:
        return None
    return {
        "id": section.pk,
        "title": section.title,
        "slug": section.slug,
        "api_url": context.api("section", id=section.pk),
    }


def author_ref(context, author):
    """An author as bylines show them: always the name (as the article's page does), an ``api_url`` only if public.

    An unpublished or private author page has no address a client could follow (it answers 404).
    """
    if author is None:
        return None
    return {
        "id": author.pk,
        "name": author.title,
        "slug": author.slug,
        "role": author.role,
        "api_url": context.api("author", id=author.pk) if context.is_public(author) else None,
    }


def topic_ref(context, topic):
    return {"id": topic.pk, "title": topic.title, "slug": topic.slug, "api_url": context.api("topic", id=topic.pk)}


def tag_ref(tag):
    return {"name": tag.name, "slug": tag.slug}


def article_summary(context, article):
    """An article as lists show it (``with_metadata()`` loaded what this reads)."""
    return {
        "id": article.pk,
        "title": article.title,
        "standfirst": article.standfirst,
        "dateline": article.dateline,
        "language": context.language,
        "url": context.page_url(article),
        "api_url": context.api("article", id=article.pk),
        "kind": "live_blog" if _is_live_blog(article) else "article",
        "published_at": article.first_published_at,
        "updated_at": article.updated_at,
        "modified_at": article.last_published_at,
        "section": section_ref(context, article.section),
        "bylines": [author_ref(context, byline.author) for byline in article.bylines.all()],
        "tags": [tag_ref(tag) for tag in sorted(article.tags.all(), key=lambda tag: tag.name)],
        "topics": [topic_ref(context, topic) for topic in article.live_topics],
        "lead_image": image(
            context, article.lead_image, article.lead_image_alt, article.lead_image_caption, article.lead_image_credit
        ),
    }


def _is_live_blog(article):
    """Read from the page row: no query (Django keeps content types in memory after their first use)."""
    return article.content_type_id == ContentType.objects.get_for_model(LiveBlogPage).pk


def article(context, article):
    """An article in full: its summary, the body as blocks and as HTML, corrections and updates."""
    body = article.body
    return {
        **article_summary(context, article),
        "body": blocks_of(body.stream_block, body),
        "body_html": str(body.render_as_block()),
        "corrections": [
            {"id": c.pk, "published_at": c.published_at, "text": c.text} for c in article.corrections_newest_first
        ],
        "updates": [{"published_at": u.published_at, "note": u.note} for u in article.updates.all()],
        "comment_count": article.comment_count,
        "live_blog_open": bool(article.live_blog_open) if _is_live_blog(article) else None,
    }


def blocks_of(block, value):
    """``value`` of ``block`` as Wagtail's API gives it, but rich text as the HTML readers get.

    Wagtail gives rich text as stored (``<a linktype="page" id="12">``,
    ``<embed embedtype="image">``), which a client cannot follow or show;
    here it is expanded as ``body_html`` is, with real addresses. The walk
    follows Wagtail's own ``get_api_representation`` for each kind of block.
    """
    if isinstance(block, blocks.RichTextBlock):
        return expand_db_html(value.source)
    if isinstance(block, blocks.StreamBlock):
        return [
            {"type": child.block.name, "value": blocks_of(child.block, child.value), "id": child.id} for child in value
        ]
    if isinstance(block, blocks.StructBlock):
        return {name: blocks_of(block.child_blocks[name], child) for name, child in value.items()}
    if isinstance(block, blocks.ListBlock):
        return [blocks_of(block.child_block, item) for item in value]
    return block.get_api_representation(value)


def section(context, page):
    return {**section_ref(context, page), "description": page.description, "url": context.page_url(page)}


def author(context, page):
    return {
        **author_ref(context, page),
        "bio": page.bio,
        "website": page.website,
        "url": context.page_url(page),
        "photo": image(context, page.photo, alt=page.title),
    }


def tag(context, tag):
    return {**tag_ref(tag), "api_url": context.api("tag", slug=tag.slug)}


def topic(context, page):
    return {**topic_ref(context, page), "intro": page.intro, "url": context.page_url(page)}


def live_blog_entry(context, entry):
    return {
        "id": entry.pk,
        "posted_at": entry.posted_at,
        "headline": entry.headline,
        "body_html": expand_db_html(entry.body),
        "author": author_ref(context, entry.author),
        "image": image(context, entry.image, entry.image_alt),
        "key_entry": entry.pinned,
    }


def correction(context, correction):
    article = correction.article
    return {
        "id": correction.pk,
        "published_at": correction.published_at,
        "text": correction.text,
        "article": {
            "id": article.pk,
            "title": article.title,
            "url": context.page_url(article),
            "api_url": context.api("article", id=article.pk),
        },
    }
