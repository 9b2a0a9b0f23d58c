"""The API's operations: rows chosen by the newsroom's QuerySet methods, shown by :mod:`.representations`.

Only what a reader of the site answering the request may see: public
articles of that site (never drafts, restricted pages or another site's
pages), through ``public_articles_of`` and ``public_pages_of``.

Each operation also says what its answer depends on, for the page cache:
``request.api_cache_tags``, the lists it shows that something new could
join, and ``request.api_own_tag``, the page it is (see :mod:`.responses`).
Pages and tags it loads are noted by the page cache itself.
"""

from datetime import UTC, datetime
from urllib.parse import urlencode

from django.http import Http404
from ninja import Field, Query, Schema

from ..newsroom.cache_tags import ARTICLES, AUTHORS, SITE, page_tag
from ..newsroom.models import (
    ArticleCorrection,
    AuthorPage,
    LiveBlogEntry,
    LiveBlogPage,
    SectionPage,
    TopicPage,
)
from ..newsroom.querysets import find_site, public_articles_of, public_pages_of, public_tags_of
from . import cursors, representations, schemas
from .api import api
from .cursors import Ordering
from .errors import BadRequest

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
# The largest id a page can have (a signed 64-bit column): a bigger one names nothing, and would make the
# database driver fail (SQLite: OverflowError; PostgreSQL: out of range) rather than find nothing.
MAX_ID = 2**63 - 1
ERRORS = {400: schemas.Error, 401: schemas.Error, 404: schemas.Error, 429: schemas.Error}

NEWEST_ARTICLES = Ordering("articles", "first_published_at", is_time=True)
NEWEST_CORRECTIONS = Ordering("corrections", "published_at", is_time=True)
NEWEST_ENTRIES = Ordering("entries", "posted_at", is_time=True)
BY_TITLE = {kind: Ordering(kind, "title", descending=False) for kind in ("sections", "authors", "topics")}
BY_NAME = Ordering("tags", "name", descending=False)


class Paging(Schema):
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=f"Items per page, 1 to {MAX_LIMIT}.")
    cursor: str | None = Field(None, description="Where the page starts: from the `next` address of the page before.")


class ArticleFilters(Paging):
    section: str | None = Field(None, description="A section's slug or id.")
    tag: str | None = Field(None, description="A tag's slug.")
    author: str | None = Field(None, description="An author's slug or id.")
    topic: str | None = Field(None, description="A topic's slug or id.")
    published_after: datetime | None = Field(None, description="First published after this time (ISO 8601).")
    published_before: datetime | None = Field(None, description="First published before this time (ISO 8601).")
    updated_since: datetime | None = Field(
        None, description="Published again (a material update, a correction, any fix) at or after this time."
    )


# Every query parameter an operation reads: the only ones in the page cache's key (see caspian.pagecache.parameters).
QUERY_PARAMETERS = tuple(sorted(ArticleFilters.model_fields))


def _context(request):
    return representations.Context(request, find_site(request))


def _depends_on(request, *tags):
    request.api_cache_tags = {*getattr(request, "api_cache_tags", ()), *tags}


def _next_url(request, cursor):
    """The address of the next page: this one's declared parameters (the last value of each) and ``cursor``.

    Only those the page cache keys its copy on: anything else a client
    added would be written into a ``next`` link that the cached copy then
    serves to everyone asking without it.
    """
    if cursor is None:
        return None
    query = {name: request.GET[name] for name in QUERY_PARAMETERS if name in request.GET}
    query["cursor"] = cursor
    return request.build_absolute_uri(f"{request.path}?{urlencode(query)}")


def _in_utc(moment, name):
    """``moment`` in UTC (a time without a zone is UTC); a 400 if that falls outside the years 1 to 9999."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except OverflowError:  # e.g. 0001-01-01T00:00:00+14:00: before the year 1 in UTC
        raise BadFilter(
            f"{name}: {moment.isoformat()} is out of range: give a time between the years 1 and 9999 in UTC."
        ) from None


def _checked_id(id, what):
    """``id`` from the address, or a 404 before any query if no page can have it."""
    if id > MAX_ID:
        raise Http404(f"No {what} {id} is published here.")
    return id


def _one(queryset, value, what, listed_at):
    """The page of ``queryset`` with slug or id ``value``; a 400 naming where to find the right ones if none."""
    if value.isascii() and value.isdigit():  # an id (isdigit() alone also takes "²", which int() refuses)
        # Length first: int() refuses over 4,300 digits, and no page has an id over MAX_ID.
        fits = len(value) <= len(str(MAX_ID)) and int(value) <= MAX_ID
        found = queryset.filter(pk=int(value)) if fits else queryset.none()
    else:
        found = queryset.filter(slug=value)
    page = found.first()
    if page is None:
        raise BadFilter(f"No {what} {value!r} is published here: see {listed_at} for the {what}s, by slug or id.")
    return page


class BadFilter(BadRequest):
    """A filter naming nothing the site has published."""


@api.get(
    "/articles/",
    response={200: schemas.ArticleList, **ERRORS},
    url_name="articles",
    summary="Articles, newest first",
    description="Public articles and live blogs, newest first (by first publication), with filters.",
)
def articles(request, filters: Query[ArticleFilters]):
    context = _context(request)
    site = context.site
    rows = public_articles_of(site)
    if filters.section:
        section = _one(public_pages_of(SectionPage, site), filters.section, "section", "/api/v1/sections/")
        rows = rows.in_section(section)
    if filters.author:
        rows = rows.by_author(_one(public_pages_of(AuthorPage, site), filters.author, "author", "/api/v1/authors/"))
    if filters.topic:
        rows = rows.in_topic(_one(public_pages_of(TopicPage, site), filters.topic, "topic", "/api/v1/topics/"))
    if filters.tag:
        # Only the tags of public articles: one used only on drafts or private articles must answer as an
        # unknown tag does, or the API would tell that it exists.
        tag = public_tags_of(site).filter(slug=filters.tag).first()
        if tag is None:
            raise BadFilter(f"No tag {filters.tag!r} is on a published article here: see /api/v1/tags/ for the tags.")
        rows = rows.tagged(tag)
    if filters.published_after:
        rows = rows.filter(first_published_at__gt=_in_utc(filters.published_after, "published_after"))
    if filters.published_before:
        rows = rows.filter(first_published_at__lt=_in_utc(filters.published_before, "published_before"))
    if filters.updated_since:
        rows = rows.filter(last_published_at__gte=_in_utc(filters.updated_since, "updated_since"))
    rows = rows.newest_first().with_metadata().defer_streamfields()
    found, cursor = cursors.page(rows, NEWEST_ARTICLES, filters.cursor, filters.limit)
    _depends_on(request, ARTICLES)
    representations.prefetch_images([article.lead_image for article in found])
    return {
        "items": [representations.article_summary(context, article) for article in found],
        "next": _next_url(request, cursor),
    }


@api.get(
    "/articles/{int:id}/",
    response={200: schemas.Article, **ERRORS},
    url_name="article",
    summary="One article in full",
    description="The article with its body as blocks and as HTML, corrections and material updates.",
)
def article(request, id: int):
    context = _context(request)
    found = (
        public_articles_of(context.site)
        .with_metadata()
        .prefetch_related("corrections", "updates")
        .filter(pk=_checked_id(id, "article"))
        .first()
    )
    if found is None:
        raise Http404(f"No article {id} is published here.")
    request.api_own_tag = page_tag(found.pk)
    representations.prefetch_images([found.lead_image])
    return representations.article(context, found)


@api.get(
    "/live-blogs/",
    response={200: schemas.ArticleList, **ERRORS},
    url_name="live_blogs",
    summary="Live blogs, newest first",
)
def live_blogs(request, paging: Query[Paging]):
    context = _context(request)
    rows = LiveBlogPage.objects.public_articles().in_site(context.site).newest_first().with_metadata()
    found, cursor = cursors.page(rows.defer_streamfields(), NEWEST_ARTICLES, paging.cursor, paging.limit)
    _depends_on(request, ARTICLES)
    representations.prefetch_images([blog.lead_image for blog in found])
    return {
        "items": [representations.article_summary(context, blog) for blog in found],
        "next": _next_url(request, cursor),
    }


@api.get(
    "/live-blogs/{int:id}/entries/",
    response={200: schemas.LiveBlogEntryList, **ERRORS},
    url_name="live_blog_entries",
    summary="A live blog's entries, newest first",
)
def live_blog_entries(request, id: int, paging: Query[Paging]):
    context = _context(request)
    blogs = LiveBlogPage.objects.public_articles().in_site(context.site).with_metadata().defer_streamfields()
    blog = blogs.filter(pk=_checked_id(id, "live blog")).first()
    if blog is None:
        raise Http404(f"No live blog {id} is published here.")
    request.api_own_tag = page_tag(blog.pk)
    entries = LiveBlogEntry.objects.filter(live_blog=blog).select_related("author", "image")
    entries = entries.order_by(*NEWEST_ENTRIES.order_by())
    found, cursor = cursors.page(entries, NEWEST_ENTRIES, paging.cursor, paging.limit)
    representations.prefetch_images([blog.lead_image, *(entry.image for entry in found)])
    return {
        "live_blog": representations.article_summary(context, blog),
        "live_blog_open": blog.is_open,
        "items": [representations.live_blog_entry(context, entry) for entry in found],
        "next": _next_url(request, cursor),
    }


def _pages(request, model, ordering, paging, show, *tags, related=()):
    context = _context(request)
    rows = public_pages_of(model, context.site).select_related(*related).order_by(*ordering.order_by())
    found, cursor = cursors.page(rows, ordering, paging.cursor, paging.limit)
    _depends_on(request, *tags)
    representations.prefetch_images([getattr(row, name) for row in found for name in related])
    return {"items": [show(context, row) for row in found], "next": _next_url(request, cursor)}


def _page(request, model, id, show, what, related=()):
    context = _context(request)
    found = public_pages_of(model, context.site).select_related(*related).filter(pk=_checked_id(id, what)).first()
    if found is None:
        raise Http404(f"No {what} {id} is published here.")
    request.api_own_tag = page_tag(found.pk)
    representations.prefetch_images([getattr(found, name) for name in related])
    return show(context, found)


@api.get("/sections/", response={200: schemas.SectionList, **ERRORS}, url_name="sections", summary="Sections, by name")
def sections(request, paging: Query[Paging]):
    # A new section is published with a SITE invalidation (it joins the navigation).
    return _pages(request, SectionPage, BY_TITLE["sections"], paging, representations.section, SITE)


@api.get("/sections/{int:id}/", response={200: schemas.Section, **ERRORS}, url_name="section", summary="One section")
def section(request, id: int):
    return _page(request, SectionPage, id, representations.section, "section")


@api.get("/authors/", response={200: schemas.AuthorList, **ERRORS}, url_name="authors", summary="Authors, by name")
def authors(request, paging: Query[Paging]):
    return _pages(request, AuthorPage, BY_TITLE["authors"], paging, representations.author, AUTHORS, related=["photo"])


@api.get("/authors/{int:id}/", response={200: schemas.Author, **ERRORS}, url_name="author", summary="One author")
def author(request, id: int):
    return _page(request, AuthorPage, id, representations.author, "author", related=["photo"])


@api.get("/topics/", response={200: schemas.TopicList, **ERRORS}, url_name="topics", summary="Topics, by title")
def topics(request, paging: Query[Paging]):
    return _pages(request, TopicPage, BY_TITLE["topics"], paging, representations.topic, SITE)


@api.get("/topics/{int:id}/", response={200: schemas.Topic, **ERRORS}, url_name="topic", summary="One topic")
def topic(request, id: int):
    return _page(request, TopicPage, id, representations.topic, "topic")


@api.get("/tags/", response={200: schemas.TagList, **ERRORS}, url_name="tags", summary="Tags in use, by name")
def tags(request, paging: Query[Paging]):
    context = _context(request)
    rows = public_tags_of(context.site).order_by(*BY_NAME.order_by())
    found, cursor = cursors.page(rows, BY_NAME, paging.cursor, paging.limit)
    _depends_on(request, ARTICLES)
    return {"items": [representations.tag(context, tag) for tag in found], "next": _next_url(request, cursor)}


@api.get("/tags/{slug}/", response={200: schemas.Tag, **ERRORS}, url_name="tag", summary="One tag")
def tag(request, slug: str):
    context = _context(request)
    found = public_tags_of(context.site).filter(slug=slug).first()
    if found is None:
        raise Http404(f"No tag {slug!r} is on a published article here.")
    _depends_on(request, ARTICLES)
    return representations.tag(context, found)


@api.get(
    "/corrections/",
    response={200: schemas.CorrectionList, **ERRORS},
    url_name="correction_log",  # not "corrections": the page cache knows that name as the HTML page
    summary="The corrections log, newest first",
    description="Every published correction on the site's public articles, as /corrections/ shows them.",
)
def corrections(request, paging: Query[Paging]):
    context = _context(request)
    rows = ArticleCorrection.objects.on_public_articles_of(context.site).newest_first().with_articles()
    found, cursor = cursors.page(rows, NEWEST_CORRECTIONS, paging.cursor, paging.limit)
    _depends_on(request, ARTICLES)
    return {"items": [representations.correction(context, c) for c in found], "next": _next_url(request, cursor)}
