"""The corrections feed in RSS and Atom: parsed by feedparser as a feed reader would."""

import html
import zoneinfo
from datetime import datetime

import feedparser
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape
from wagtail.models import PageViewRestriction

from caspian.newsroom.models import ArticleCorrection, ArticlePage

from ..newsroom.scenario import TIME_ZONE, NewsroomTestCase

FORMATS = {"rss.xml": "application/rss+xml; charset=utf-8", "atom.xml": "application/atom+xml; charset=utf-8"}
ZONE = zoneinfo.ZoneInfo(TIME_ZONE)


def when(day, hour=10):
    return datetime(2026, 3, day, hour, tzinfo=ZONE)


def correct(article, *corrections):
    """Publish ``article`` with ``(published_at, text)`` corrections added, as an editor does."""
    article = ArticlePage.objects.get(pk=article.pk)
    for published_at, text in corrections:
        article.corrections.add(ArticleCorrection(published_at=published_at, text=text))
    article.save_revision().publish()
    return ArticlePage.objects.get(pk=article.pk)


class CorrectionFeedTestCase(NewsroomTestCase):
    def parse(self, url):
        response = self.get(url)
        feed = feedparser.parse(response.content, response_headers={"content-type": response["Content-Type"]})
        self.assertFalse(feed.bozo, feed.get("bozo_exception"))
        return response, feed


class CorrectionFeedTests(CorrectionFeedTestCase):
    def test_both_formats_parse_cleanly_with_complete_entries(self):
        first = correct(self.articles[0], (when(1), "Oldest."), (when(4), "Newest: the port is Aktau & not <Baku>."))
        second = correct(self.articles[3], (when(2), "Middle."))
        expected = [
            (first, "Newest: the port is Aktau & not <Baku>.", when(4)),
            (second, "Middle.", when(2)),
            (first, "Oldest.", when(1)),
        ]
        for fmt, content_type in FORMATS.items():
            with self.subTest(fmt=fmt):
                response, feed = self.parse(f"/corrections/{fmt}")
                self.assertEqual(response["Content-Type"], content_type)
                self.assertEqual(feed.feed.title, "The Caspian Times: corrections")
                self.assertEqual(feed.feed.link, "http://testserver/corrections/")
                self_links = [link.href for link in feed.feed.links if link.rel == "self"]
                self.assertEqual(self_links, [f"http://testserver/corrections/{fmt}"])
                self.assertEqual(len(feed.entries), len(expected))
                for entry, (article, text, published) in zip(feed.entries, expected, strict=True):
                    correction = ArticleCorrection.objects.get(text=text)
                    self.assertEqual(entry.title, f"Correction: {article.title}")
                    self.assertEqual(entry.link, f"http://localhost{article.url}#correction-{correction.pk}")
                    self.assertEqual(entry.id, f"tag:127.0.0.1,{published:%Y-%m-%d}:correction-{correction.pk}")
                    # HTML, as feed readers take it: the text as written, escaped.
                    self.assertEqual(html.unescape(entry.summary), text)
                    self.assertEqual(entry.content[0].value, f"<p>{escape(text)}</p>")
                    self.assertEqual(entry.published_parsed[:6], published.utctimetuple()[:6])

    def test_atom_has_a_feed_author_and_entry_dates(self):
        correct(self.articles[0], (when(3), "A correction."))
        _, feed = self.parse("/corrections/atom.xml")
        self.assertEqual(feed.feed.author, "The Caspian Times")
        self.assertEqual(feed.entries[0].updated_parsed[:6], when(3).utctimetuple()[:6])

    def test_only_public_articles(self):
        shown, unpublished, private = self.articles[1], self.articles[2], self.articles[3]
        self.assertEqual((shown.section, private.section), (self.caucasus, self.central_asia))
        correct(shown, (when(1), "Shown."))
        correct(unpublished, (when(2), "Unpublished.")).unpublish()
        PageViewRestriction.objects.create(page=self.central_asia, restriction_type="login")
        correct(private, (when(3), "Private."))
        for fmt in FORMATS:
            self.assertEqual([e.summary for e in self.parse(f"/corrections/{fmt}")[1].entries], ["Shown."], fmt)

    def test_no_corrections_yet_is_an_empty_feed(self):
        for fmt in FORMATS:
            _, feed = self.parse(f"/corrections/{fmt}")
            self.assertEqual(feed.entries, [])
            self.assertEqual(feed.feed.title, "The Caspian Times: corrections")

    @override_settings(FEEDS_ITEM_COUNT=2)
    def test_the_newest_up_to_the_setting(self):
        correct(self.articles[0], (when(1), "One."), (when(2), "Two."), (when(3), "Three."))
        self.assertEqual([e.summary for e in self.parse("/corrections/rss.xml")[1].entries], ["Three.", "Two."])

    def test_unknown_formats_are_404(self):
        self.assertEqual(self.client.get("/corrections/feed.json").status_code, 404)


class ConditionalGetTests(CorrectionFeedTestCase):
    def test_unchanged_answers_304_until_a_correction_is_published(self):
        article = correct(self.articles[0], (when(1), "One."))
        first = self.get("/corrections/rss.xml")
        etag, modified = first["ETag"], first["Last-Modified"]
        self.assertEqual(self.client.get("/corrections/rss.xml", HTTP_IF_NONE_MATCH=etag).status_code, 304)
        self.assertEqual(self.client.get("/corrections/rss.xml", HTTP_IF_MODIFIED_SINCE=modified).status_code, 304)
        self.assertNotEqual(self.get("/corrections/atom.xml")["ETag"], etag)  # one tag per format
        ArticlePage.objects.get(pk=self.articles[3].pk).save_revision().publish()  # no correction: no change
        self.assertEqual(self.client.get("/corrections/rss.xml", HTTP_IF_NONE_MATCH=etag).status_code, 304)
        correct(self.articles[3], (when(2), "Two."))
        self.assertEqual(self.client.get("/corrections/rss.xml", HTTP_IF_NONE_MATCH=etag).status_code, 200)
        etag = self.get("/corrections/rss.xml")["ETag"]
        article = ArticlePage.objects.get(pk=article.pk)
        correction = article.corrections.get()
        correction.text = "One, reworded."
        article.corrections = [correction]
        article.save_revision().publish()  # a correction edited
        self.assertEqual(self.client.get("/corrections/rss.xml", HTTP_IF_NONE_MATCH=etag).status_code, 200)
        etag = self.get("/corrections/rss.xml")["ETag"]
        ArticlePage.objects.get(pk=article.pk).unpublish()  # its corrections leave the feed
        self.assertEqual(self.client.get("/corrections/rss.xml", HTTP_IF_NONE_MATCH=etag).status_code, 200)


class QueryCountTests(CorrectionFeedTestCase):
    def count(self, url):
        self.get(url)
        with CaptureQueriesContext(connection) as queries:
            self.get(url)
        return len(queries)

    def test_the_same_queries_for_2_and_20_corrections(self):
        correct(self.articles[0], (when(1), "One."), (when(2), "Two."))
        few = {fmt: self.count(f"/corrections/{fmt}") for fmt in FORMATS}
        for n, article in enumerate(self.articles):
            correct(article, *((when(3, hour), f"Correction {n}-{hour}.") for hour in range(3)))
        self.assertEqual(ArticleCorrection.objects.count(), 20)
        self.assertEqual({fmt: self.count(f"/corrections/{fmt}") for fmt in FORMATS}, few)
