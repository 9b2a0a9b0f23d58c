"""robots.txt, the sitemap index, paged sitemaps with images and the Google News sitemap, against their XSDs."""

from datetime import datetime, timedelta

from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from lxml import etree

from caspian.newsroom.models import ArticlePage

from ..newsroom.scenario import NewsroomTestCase
from . import schemas

NS = {"s": schemas.SITEMAP, "news": schemas.NEWS, "image": schemas.IMAGE}


class SitemapTestCase(NewsroomTestCase):
    # Read on first use, so only the tests that validate are skipped when the schemas are missing.
    @property
    def urlset_schema(self):
        return schemas.urlset_schema()

    @property
    def index_schema(self):
        return schemas.index_schema()

    def xml(self, url, schema):
        response = self.get(url)
        self.assertEqual(response["Content-Type"], "application/xml")
        document = etree.fromstring(response.content, schemas.parser())
        schema.assertValid(document)  # raises with the schema's own message
        return document

    def locations(self, document):
        return [loc.replace("http://testserver", "") for loc in document.xpath("//s:loc/text()", namespaces=NS)]


class RobotsTests(SitemapTestCase):
    def test_robots_txt_lists_the_sitemaps_and_keeps_crawlers_out_of_the_admin(self):
        response = self.get("/robots.txt")
        self.assertEqual(response["Content-Type"], "text/plain; charset=utf-8")
        lines = response.content.decode().splitlines()
        self.assertIn("Disallow: /admin/", lines)
        self.assertEqual(
            [line for line in lines if line.startswith("Sitemap:")],
            ["Sitemap: http://testserver/sitemap.xml", "Sitemap: http://testserver/sitemap-news.xml"],
        )


class SitemapTests(SitemapTestCase):
    def test_the_index_lists_every_sitemap_with_lastmod(self):
        index = self.xml("/sitemap.xml", self.index_schema)
        self.assertEqual(self.locations(index), ["/sitemap-articles.xml", "/sitemap-pages.xml", "/sitemap-tags.xml"])
        lastmods = index.xpath("//s:sitemap[1]/s:lastmod/text()", namespaces=NS)
        newest = max(a.last_published_at for a in ArticlePage.objects.all())
        self.assertEqual([datetime.fromisoformat(text) for text in lastmods], [newest])

    def test_articles_with_lastmod_and_their_lead_images(self):
        document = self.xml("/sitemap-articles.xml", self.urlset_schema)
        public = list(ArticlePage.objects.public_articles().select_related("lead_image").order_by("pk"))
        self.assertEqual(self.locations(document), [a.url for a in public])
        for url, article in zip(document.xpath("//s:url", namespaces=NS), public, strict=True):
            lastmod = datetime.fromisoformat(url.findtext("s:lastmod", namespaces=NS))
            self.assertEqual(lastmod, article.last_published_at)
            self.assertEqual(
                url.xpath("image:image/image:loc/text()", namespaces=NS),
                [f"http://testserver{article.lead_image.file.url}"],
            )

    def test_other_pages_and_tags(self):
        pages = self.locations(self.xml("/sitemap-pages.xml", self.urlset_schema))
        for page in (self.home, self.caucasus, self.about, self.author):
            self.assertIn(page.url, pages)
        self.assertFalse(any(article.url in pages for article in self.articles))
        self.assertEqual(
            self.locations(self.xml("/sitemap-tags.xml", self.urlset_schema)), ["/tags/ports/", "/tags/rail/"]
        )

    def test_drafts_stay_out(self):
        ArticlePage.objects.get(pk=self.articles[0].pk).unpublish()
        self.assertNotIn(self.articles[0].url, self.locations(self.xml("/sitemap-articles.xml", self.urlset_schema)))

    @override_settings(SITEMAP_PAGE_SIZE=4)
    def test_sitemaps_are_paged(self):
        index = self.locations(self.xml("/sitemap.xml", self.index_schema))
        self.assertEqual(index[:2], ["/sitemap-articles.xml", "/sitemap-articles.xml?p=2"])
        first = self.locations(self.xml("/sitemap-articles.xml", self.urlset_schema))
        second = self.locations(self.xml("/sitemap-articles.xml?p=2", self.urlset_schema))
        self.assertEqual((len(first), len(second)), (4, 2))
        self.assertFalse(set(first) & set(second))
        self.assertEqual(self.client.get("/sitemap-articles.xml?p=3").status_code, 404)

    def test_the_queries_per_sitemap_page_do_not_grow_with_the_archive(self):
        def count(url):
            self.get(url)
            with CaptureQueriesContext(connection) as queries:
                self.get(url)
            return len(queries)

        urls = ["/sitemap.xml", "/sitemap-articles.xml", "/sitemap-pages.xml", "/sitemap-tags.xml", "/sitemap-news.xml"]
        few = {url: count(url) for url in urls}
        self.make_articles(30, start=10)
        self.assertEqual({url: count(url) for url in urls}, few)

    def test_an_unknown_sitemap_is_404(self):
        self.assertEqual(self.client.get("/sitemap-nothing.xml").status_code, 404)


class NewsSitemapTests(SitemapTestCase):
    def test_google_news_lists_the_last_two_days_with_publication_and_title(self):
        old = self.articles[-1]
        ArticlePage.objects.filter(pk=old.pk).update(first_published_at=timezone.now() - timedelta(days=3))
        document = self.xml("/sitemap-news.xml", self.urlset_schema)
        recent = [a for a in self.articles if a.pk != old.pk]
        self.assertEqual(self.locations(document), [a.url for a in recent])
        first = document.xpath("//s:url[1]/news:news", namespaces=NS)[0]
        self.assertEqual(first.findtext("news:publication/news:name", namespaces=NS), "The Caspian Times")
        self.assertEqual(first.findtext("news:publication/news:language", namespaces=NS), "en")
        self.assertEqual(first.findtext("news:title", namespaces=NS), recent[0].title)
        published = datetime.fromisoformat(first.findtext("news:publication_date", namespaces=NS))
        self.assertEqual(published, recent[0].first_published_at)
        self.assertIsNotNone(published.tzinfo)

    def test_an_invalid_news_entry_would_be_caught(self):
        """The schema really checks: a news entry without its title is refused."""
        document = self.xml("/sitemap-news.xml", self.urlset_schema)
        title = document.xpath("//news:title", namespaces=NS)[0]
        title.getparent().remove(title)
        self.assertFalse(self.urlset_schema.validate(document))
