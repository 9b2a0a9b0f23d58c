"""RSS 2.0, Atom 1.0 and JSON Feed 1.1 of the newest articles: the site's, a section's, an author's, a tag's.

One Django ``Feed`` (:class:`ArticleFeed`) serves every scope; the format
is its ``feed_type``. Item ids never change once an article is published
(they are made from the first publication date and the page id), so feed
readers don't show an edited headline as a new story.

The site's corrections have their own feed in RSS and Atom
(:class:`CorrectionFeed`, served by :func:`corrections_feed`).
"""

import hashlib
import json
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import nh3
from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.cache import get_conditional_response, quote_etag
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed, SyndicationFeed
from django.utils.html import escape
from django.utils.http import http_date

from .. import fragments
from ..newsroom import images
from ..newsroom.cache_tags import page_tag
from ..newsroom.models import ArticleCorrection, PublicationSettings
from ..newsroom.querysets import site_articles
from ..newsroom.sites import site_setting
from ..query_parameters import reads_query

FEED_CONTENT_TAGS = nh3.ALLOWED_TAGS - {"nav", "header", "footer", "map", "area"}
ROOT_RELATIVE_URL = re.compile(r'(\s(?:href|src)=")/(?!/)')


@dataclass
class FeedSource:
    """What a feed is about: its title, its web page, and its articles (a lazy queryset)."""

    title: str
    link: str
    description: str
    language: str
    articles: object


class RssFeed(Rss201rev2Feed):
    """RSS 2.0 with the full text in ``content:encoded``."""

    label = "RSS"

    def rss_attributes(self):
        return {**super().rss_attributes(), "xmlns:content": "http://purl.org/rss/1.0/modules/content/"}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        handler.addQuickElement("content:encoded", item["content_html"])


class AtomFeed(Atom1Feed):
    """Atom 1.0 with the full text as ``<content type="html">``."""

    label = "Atom"

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        handler.addQuickElement("content", item["content_html"], {"type": "html"})


class JsonFeed(SyndicationFeed):
    """JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/)."""

    content_type = "application/feed+json; charset=utf-8"
    label = "JSON Feed"

    def write(self, outfile, encoding):
        feed = {
            "version": "https://jsonfeed.org/version/1.1",
            "title": self.feed["title"],
            "home_page_url": self.feed["link"],
            "feed_url": self.feed["feed_url"],
            "description": self.feed["description"],
            "language": self.feed["language"],
            "items": [self._item(item) for item in self.items],
        }
        outfile.write(json.dumps(feed, ensure_ascii=False, indent=1))

    @staticmethod
    def _item(item):
        entry = {
            "id": item["unique_id"],
            "url": item["link"],
            "title": item["title"],
            "summary": item["description"],
            "content_html": item["content_html"],
            "date_published": item["pubdate"].isoformat(),
            "date_modified": item["updateddate"].isoformat(),
            "authors": [{"name": name} for name in item["author_names"]],
            "tags": item["categories"],
        }
        if item["enclosures"]:
            entry["image"] = item["enclosures"][0].url
        return entry


FORMATS = {"rss.xml": RssFeed, "atom.xml": AtomFeed, "feed.json": JsonFeed}


class SourceFeed(Feed):
    """A feed about a :class:`FeedSource` (``self.source``): its title, link, description and language."""

    def get_object(self, request, *args, **kwargs):
        self.request, self.language = request, self.source.language
        return self.source

    def title(self, source):
        return source.title

    def link(self, source):
        return source.link

    def description(self, source):
        return source.description

    def feed_url(self, source):
        return self.request.build_absolute_uri(self.request.path)


class ArticleFeed(SourceFeed):
    """The newest ``FEEDS_ITEM_COUNT`` articles of a :class:`FeedSource`, in the format of ``feed_type``."""

    def __init__(self, source, feed_type):
        super().__init__()
        self.source, self.feed_type = source, feed_type

    def items(self, source):
        newest = source.articles.newest_first().select_related("section", "lead_image").with_bylines()
        articles = list(newest.prefetch_related("tags")[: settings.FEEDS_ITEM_COUNT])
        images.prefetch_renditions([article.lead_image for article in articles])
        return articles

    def item_title(self, article):
        return article.title

    def item_link(self, article):
        return article.get_full_url(self.request)

    def item_guid(self, article):
        # tag: URI (RFC 4151): stable through headline and address changes.
        host = urlsplit(settings.BASE_URL).hostname
        return f"tag:{host},{article.first_published_at:%Y-%m-%d}:article-{article.pk}"

    item_guid_is_permalink = False

    def item_description(self, article):
        return article.standfirst

    def item_author_name(self, article):
        return ", ".join(self._authors(article))

    def item_categories(self, article):
        return [*([article.section.title] if article.section else []), *(tag.name for tag in article.tags.all())]

    def item_pubdate(self, article):
        return article.first_published_at

    def item_updateddate(self, article):
        return article.updated_at or article.first_published_at

    def item_enclosures(self, article):
        from django.utils.feedgenerator import Enclosure

        rendition = images.jpeg_rendition(article.lead_image, "card") if article.lead_image else None
        if rendition is None:
            return []
        return [Enclosure(self._absolute(rendition.url), str(rendition.bytes), "image/jpeg")]

    def item_extra_kwargs(self, article):
        return {"content_html": self._content(article), "author_names": self._authors(article)}

    @staticmethod
    def _authors(article):
        return [byline.author.title for byline in article.bylines.all()]

    def _content(self, article):
        """The article's body as sanitised HTML with absolute addresses, for feed readers; kept until it changes."""

        def render():
            html = str(article.body.render_as_block(context={"request": self.request, "page": article}))
            html = nh3.clean(html, tags=FEED_CONTENT_TAGS, url_schemes={"http", "https", "mailto"})
            return ROOT_RELATIVE_URL.sub(lambda m: f"{m.group(1)}{self._absolute('/')}", html)

        key = f"feed-content:{article.pk}:{self._absolute('/')}"  # the addresses in it name the host
        return fragments.cached(key, render, {page_tag(article.pk)})

    def _absolute(self, url):
        return self.request.build_absolute_uri(url) if url.startswith("/") else url


CORRECTION_FORMATS = {"rss.xml": RssFeed, "atom.xml": AtomFeed}


def correction_feed_links(publication):
    """The corrections feeds of ``publication`` (its name): ``href``, ``type``, ``title`` and ``label`` of each.

    For ``<link rel="alternate">`` (see the ``feed_links`` tag) and links on the corrections page.
    """
    return [
        {
            "href": reverse("corrections_feed", kwargs={"fmt": fmt}),
            "type": feed_type.content_type.split(";")[0],
            "title": f"{publication}: corrections ({feed_type.label})",
            "label": feed_type.label,
        }
        for fmt, feed_type in CORRECTION_FORMATS.items()
    ]


def corrections_page_feeds(site, request):
    """The corrections page's part (see :mod:`caspian.newsroom.page_parts`): its feeds, as ``page_feeds``."""
    return {"page_feeds": correction_feed_links(site.site_name or site.root_page.title)}


class CorrectionFeed(SourceFeed):
    """The newest ``FEEDS_ITEM_COUNT`` corrections to the articles of a :class:`FeedSource`, one item each.

    An item links to the correction on its article's page; its id is made
    from the correction's date and id, so it never changes.
    """

    def __init__(self, source, feed_type, publication):
        super().__init__()
        self.source, self.feed_type, self.publication = source, feed_type, publication

    def author_name(self, source):
        # Atom wants an author for the feed when its entries have none.
        return self.publication

    def items(self, source):
        return list(_corrections(source).with_articles()[: settings.FEEDS_ITEM_COUNT])

    def item_title(self, correction):
        return f"Correction: {correction.article.title}"

    def item_link(self, correction):
        return f"{correction.article.get_full_url(self.request)}#correction-{correction.pk}"

    def item_guid(self, correction):
        host = urlsplit(settings.BASE_URL).hostname
        return f"tag:{host},{correction.published_at:%Y-%m-%d}:correction-{correction.pk}"

    item_guid_is_permalink = False

    def item_description(self, correction):
        return escape(correction.text)  # readers take the description as HTML

    def item_pubdate(self, correction):
        return correction.published_at

    def item_updateddate(self, correction):
        return correction.published_at

    def item_extra_kwargs(self, correction):
        return {"content_html": f"<p>{escape(correction.text)}</p>"}


def _corrections(source):
    return ArticleCorrection.objects.on_articles(source.articles).newest_first()


@reads_query()
def corrections_feed(request, fmt):
    """``/corrections/rss.xml`` and ``/corrections/atom.xml``; 304 when no correction shown has changed.

    A correction reaches readers only with its article's publication, so
    the corrections shown and their articles' publication times say whether
    anything changed.
    """
    articles, site = site_articles(request)
    publication = site.site_name or site.root_page.title
    language = site_setting(PublicationSettings, request).language or "en"
    source = FeedSource(
        f"{publication}: corrections",
        request.build_absolute_uri(reverse("corrections")),
        f"Corrections to articles published by {publication}.",
        language,
        articles,
    )
    feed = CorrectionFeed(source, CORRECTION_FORMATS[fmt], publication)
    fields = ("pk", "published_at", "article__last_published_at")
    shown = list(_corrections(source).values_list(*fields)[: settings.FEEDS_ITEM_COUNT])
    if not shown:  # no correction yet: an empty feed, which readers can subscribe to
        return feed(request)
    digest = hashlib.sha256(repr(shown).encode()).hexdigest()[:20]
    etag = quote_etag(f"corrections-{fmt}-{digest}")
    # A correction reaches readers, or changes, only with its article's publication.
    latest = max(article_published or published for _, published, article_published in shown)
    last_modified = int(latest.timestamp())
    response = get_conditional_response(request, etag=etag, last_modified=last_modified) or feed(request)
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    return response
