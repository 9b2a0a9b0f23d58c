"""RSS, Atom and JSON feeds: parsed by feedparser as a feed reader would, for every scope."""

import json

import feedparser
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from wagtail.rich_text import RichText

from caspian.newsroom.models import ArticlePage

from ..newsroom.scenario import NewsroomTestCase, html

FORMATS = ("rss.xml", "atom.xml", "feed.json")


class FeedTestCase(NewsroomTestCase):
    def scopes(self):
        return {
            "site": "/feeds/",
            "section": f"/feeds/section/{self.caucasus.slug}/",
            "author": f"/feeds/author/{self.author.slug}/",
            "tag": "/feeds/tag/ports/",
        }

    def expected(self, scope):
        public = ArticlePage.objects.public_articles()
        return {
            "site": public,
            "section": public.in_section(self.caucasus),
            "author": public.by_author(self.author),
            "tag": public.filter(tags__slug="ports"),
        }[scope].order_by("-first_published_at")

    def parse(self, url):
        response = self.get(url)
        parsed = feedparser.parse(response.content, response_headers={"content-type": response["Content-Type"]})
        return response, parsed


class FeedContentTests(FeedTestCase):
    def test_every_feed_parses_cleanly_with_complete_entries(self):
        for scope, prefix in self.scopes().items():
            expected = list(self.expected(scope))
            self.assertTrue(expected, scope)
            for fmt in FORMATS[:2]:
                with self.subTest(scope=scope, fmt=fmt):
                    response, feed = self.parse(prefix + fmt)
                    self.assertFalse(feed.bozo, feed.get("bozo_exception"))
                    self.assertEqual([e.title for e in feed.entries], [a.title for a in expected])
                    self.assertTrue(feed.feed.title.startswith("The Caspian Times"))
                    self_links = [link.href for link in feed.feed.links if link.rel == "self"]
                    self.assertEqual(self_links, [f"http://testserver{prefix}{fmt}"])
                    for entry, article in zip(feed.entries, expected, strict=True):
                        self.assertTrue(entry.link.endswith(article.url))
                        self.assertEqual(
                            entry.id, f"tag:127.0.0.1,{article.first_published_at:%Y-%m-%d}:article-{article.pk}"
                        )
                        self.assertEqual(entry.author, "Nino Kapanadze")
                        self.assertEqual(entry.summary, article.standfirst)
                        self.assertIn("The first paragraph of the story.", entry.content[0].value)
                        self.assertEqual(entry.published_parsed[:6], article.first_published_at.utctimetuple()[:6])
                        terms = [tag.term for tag in entry.tags]
                        self.assertEqual(terms[0], article.section.title)
                        [enclosure] = [link for link in entry.links if link.rel == "enclosure"]
                        self.assertEqual(enclosure.type, "image/jpeg")
                        self.assertTrue(enclosure.href.startswith("http://testserver/media/"))

    def test_json_feed_1_1(self):
        for scope, prefix in self.scopes().items():
            with self.subTest(scope=scope):
                response = self.get(prefix + "feed.json")
                self.assertEqual(response["Content-Type"], "application/feed+json; charset=utf-8")
                feed = json.loads(response.content)
                self.assertEqual(feed["version"], "https://jsonfeed.org/version/1.1")
                self.assertEqual(feed["feed_url"], f"http://testserver{prefix}feed.json")
                expected = list(self.expected(scope))
                self.assertEqual([item["title"] for item in feed["items"]], [a.title for a in expected])
                for item, article in zip(feed["items"], expected, strict=True):
                    self.assertEqual(
                        set(item) - {"image"},
                        {
                            "id",
                            "url",
                            "title",
                            "summary",
                            "content_html",
                            "date_published",
                            "date_modified",
                            "authors",
                            "tags",
                        },
                    )
                    self.assertEqual(item["date_published"], article.first_published_at.isoformat())
                    self.assertRegex(item["date_modified"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+00:00$")
                    self.assertEqual(item["authors"], [{"name": "Nino Kapanadze"}])
                    self.assertTrue(item["image"].startswith("http://testserver/media/"))

    def test_rss_dates_are_rfc_822_and_atom_dates_rfc_3339(self):
        rss = self.get("/feeds/rss.xml").content.decode()
        self.assertRegex(rss, r"<pubDate>\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d [+-]\d{4}</pubDate>")
        atom = self.get("/feeds/atom.xml").content.decode()
        self.assertRegex(atom, r"<published>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?[+-]\d\d:\d\d</published>")

    def test_ids_stay_when_a_headline_changes_and_updates_show(self):
        article = self.articles[0]
        before = self.parse("/feeds/atom.xml")[1].entries[0]
        article.title = "A corrected headline"
        article.update_note = "Corrects the headline."
        article.save_revision().publish()
        after = self.parse("/feeds/atom.xml")[1].entries[0]
        self.assertEqual((after.title, after.id), ("A corrected headline", before.id))
        self.assertGreater(after.updated_parsed, after.published_parsed)

    def test_drafts_and_private_articles_stay_out(self):
        ArticlePage.objects.get(pk=self.articles[0].pk).unpublish()
        titles = [e.title for e in self.parse("/feeds/rss.xml")[1].entries]
        self.assertNotIn(self.articles[0].title, titles)
        self.assertEqual(len(titles), len(self.articles) - 1)

    @override_settings(FEEDS_ITEM_COUNT=2)
    def test_the_newest_items_up_to_the_setting(self):
        entries = self.parse("/feeds/rss.xml")[1].entries
        self.assertEqual([e.title for e in entries], [a.title for a in self.articles[:2]])

    def test_content_is_sanitised_with_absolute_addresses(self):
        article = ArticlePage.objects.get(pk=self.articles[0].pk)
        article.body = [
            ("paragraph", RichText('<p>See <a href="/about/">about us</a>.</p>')),
            ("quote", {"text": "<script>alert(1)</script> Said plainly.", "attribution": "A reader"}),
        ]
        article.save_revision().publish()
        content = json.loads(self.get("/feeds/feed.json").content)["items"][0]["content_html"]
        self.assertIn('href="http://testserver/about/"', content)
        self.assertNotIn("<script", content)
        self.assertIn("Said plainly.", content)

    def test_a_site_with_nothing_published_yet_has_an_empty_feed(self):
        ArticlePage.objects.all().unpublish()
        for fmt in FORMATS[:2]:
            response, feed = self.parse(f"/feeds/{fmt}")
            self.assertFalse(feed.bozo, feed.get("bozo_exception"))
            self.assertEqual((feed.entries, feed.feed.title), ([], "The Caspian Times"))

    def test_unknown_scopes_are_404(self):
        for url in ("/feeds/section/nowhere/rss.xml", "/feeds/author/nobody/atom.xml", "/feeds/tag/none/feed.json"):
            self.assertEqual(self.client.get(url).status_code, 404, url)


class ConditionalGetTests(FeedTestCase):
    def test_an_unchanged_feed_answers_304_until_something_is_published(self):
        first = self.get("/feeds/rss.xml")
        etag, modified = first["ETag"], first["Last-Modified"]
        self.assertEqual(self.client.get("/feeds/rss.xml", HTTP_IF_NONE_MATCH=etag).status_code, 304)
        self.assertEqual(self.client.get("/feeds/rss.xml", HTTP_IF_MODIFIED_SINCE=modified).status_code, 304)
        self.assertNotEqual(self.get("/feeds/atom.xml")["ETag"], etag)  # one tag per format
        ArticlePage.objects.get(pk=self.articles[3].pk).save_revision().publish()
        self.assertEqual(self.client.get("/feeds/rss.xml", HTTP_IF_NONE_MATCH=etag).status_code, 200)
        etag = self.get("/feeds/rss.xml")["ETag"]
        ArticlePage.objects.get(pk=self.articles[1].pk).unpublish()  # an older article leaves the feed
        self.assertEqual(self.client.get("/feeds/rss.xml", HTTP_IF_NONE_MATCH=etag).status_code, 200)


class DiscoveryTests(FeedTestCase):
    def alternates(self, url):
        return [(link["type"], link["href"]) for link in html(self.get(url)).select('head link[rel="alternate"]')]

    def test_every_page_advertises_the_site_feeds(self):
        for url in ("/", self.articles[0].url, self.about.url):
            self.assertEqual(
                self.alternates(url)[:3],
                [
                    ("application/rss+xml", "/feeds/rss.xml"),
                    ("application/atom+xml", "/feeds/atom.xml"),
                    ("application/feed+json", "/feeds/feed.json"),
                ],
            )

    def test_section_author_and_tag_pages_add_their_own(self):
        for url, prefix in (
            (self.caucasus.url, f"/feeds/section/{self.caucasus.slug}/"),
            (self.author.url, f"/feeds/author/{self.author.slug}/"),
            ("/tags/ports/", "/feeds/tag/ports/"),
        ):
            hrefs = [href for _, href in self.alternates(url)[3:]]
            self.assertEqual(hrefs, [prefix + fmt for fmt in FORMATS], url)


class FeedQueryCountTests(FeedTestCase):
    def count(self, url):
        self.get(url)  # renditions are made on the first request
        with CaptureQueriesContext(connection) as queries:
            self.get(url)
        return len(queries)

    def test_the_same_queries_for_6_and_26_items(self):
        urls = [prefix + fmt for prefix in self.scopes().values() for fmt in FORMATS]
        few = {url: self.count(url) for url in urls}
        self.make_articles(20, start=10)
        self.assertEqual({url: self.count(url) for url in urls}, few)
