"""Reader pages cost the same number of queries however large the archive is."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from .scenario import NewsroomTestCase

MAX_QUERIES = 20


class QueryCountTests(NewsroomTestCase):
    article_count = 10

    def count_queries(self, url):
        self.client.get(url)  # first view makes image renditions; measure the next
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
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
        }

    def test_same_query_count_with_10_and_200_articles(self):
        self.pick_must_read(*self.articles[:5])
        small = {name: self.count_queries(url) for name, url in self.pages().items()}
        self.make_articles(190, start=10)
        large = {name: self.count_queries(url) for name, url in self.pages().items()}
        self.assertEqual(small, large)
        for name in ("article", "home"):
            self.assertLessEqual(large[name], MAX_QUERIES, name)
