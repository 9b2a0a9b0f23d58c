"""Reader pages cost the same number of queries however large the archive is."""

import copy

from django.conf import settings
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from caspian.newsroom.models import PublicationSettings

from .scenario import NewsroomTestCase

# An article page not in the page cache, its kept parts (caspian.fragments)
# warm: the article with its section and lead image, its topics, bylines,
# tags, updates and corrections. Must read, Latest, More articles and the
# comments come rendered; image renditions are remembered by each process.
# The site, its settings and menu come from the shared cache (caspian.newsroom.sites).
MAX_ARTICLE_QUERIES = 8
# The front page: its lists, one per section.
MAX_HOME_QUERIES = 15


def roomy_caches():
    """The test cache settings, with room for a thousand pages' cache entries.

    Django's local-memory cache culls a third of its entries beyond 300, and
    the cached site would go with them: production caches (files, Redis)
    have room.
    """
    caches = copy.deepcopy(settings.CACHES)
    if caches["default"]["BACKEND"].endswith("LocMemCache"):
        caches["default"].setdefault("OPTIONS", {})["MAX_ENTRIES"] = 100_000
    return caches


@override_settings(CACHES=roomy_caches())
class QueryCountTests(NewsroomTestCase):
    article_count = 10

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.pick_must_read(*cls.articles[:5])
        publication = PublicationSettings.objects.get(site=cls.site)
        publication.logo = cls.author.photo  # the logo is read on every article page (JSON-LD publisher)
        publication.save()

    def count_queries(self, url):
        self.client.get(url)  # first view makes image renditions and fills the site cache; measure the next
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(url)
        self.assertEqual(response.status_code, 200, url)
        return len(queries)

    def pages(self):
        article = self.articles[5]
        return {
            "article": article.url,
            "home": "/",
            "section": self.caucasus.url,
            "year": article.get_parent().url,
            "author": self.author.url,
            "tag": "/tags/ports/",
            "search": "/search/?q=article",
            "feed": "/feeds/rss.xml",
            "sitemap index": "/sitemap.xml",
            "article sitemap": "/sitemap-articles.xml",
        }

    def test_same_query_count_with_10_and_1000_articles(self):
        small = {name: self.count_queries(url) for name, url in self.pages().items()}
        self.make_archive(990, start=10)
        large = {name: self.count_queries(url) for name, url in self.pages().items()}
        self.assertEqual(small, large)
        self.assertLessEqual(large["article"], MAX_ARTICLE_QUERIES)
        self.assertLessEqual(large["home"], MAX_HOME_QUERIES)
