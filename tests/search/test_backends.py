"""The search backend ranks like Wagtail's own, with the full-text match run once (SQLite)."""

import unittest

from django.db import connection
from wagtail.rich_text import RichText
from wagtail.search.backends import get_search_backend

from caspian.newsroom.factories import ArticlePageFactory
from caspian.newsroom.models import ArticlePage

from ..newsroom.scenario import NewsroomTestCase

WORDS = ["sturgeon", "caviar", "quota", "harbour", "ferry"]


@unittest.skipUnless(connection.vendor == "sqlite", "the ranking fix is for SQLite's full-text search")
class RankedOnceTests(NewsroomTestCase):
    # The SQLite backend's models exist only on SQLite: imported when the tests run.
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # Varied mixes of the words in titles and bodies, so the scores differ.
        for n in range(24):
            title_words = " ".join(WORDS[(n + k) % len(WORDS)] for k in range(n % 3))
            body = " ".join(WORDS[k % len(WORDS)] for k in range(n % 7 + 1))
            ArticlePageFactory(
                section=cls.caucasus,
                authors=[cls.author],
                title=f"Report {n} {title_words}",
                body=[("paragraph", RichText(f"<p>Notes from the coast: {body}.</p>"))],
            )
        ArticlePage.objects.get(title__startswith="Report 3 ").unpublish()

    def ranked(self, backend, query, **slicing):
        results = ArticlePage.objects.live().search(query, backend=backend)
        if slicing:
            results = results[slicing["start"] : slicing["stop"]]
        return [page.title for page in results]

    def test_the_same_order_as_wagtails_backend(self):
        from caspian.search.sqlite import RankedOnceSQLiteBackend

        self.assertIsInstance(get_search_backend("default"), RankedOnceSQLiteBackend)
        stock = "wagtail.search.backends.database"
        for query in ("sturgeon", "harbour ferry", "quota"):
            expected = [page.title for page in ArticlePage.objects.live().search(query, backend=stock)]
            self.assertTrue(expected, query)
            self.assertEqual([page.title for page in ArticlePage.objects.live().search(query)], expected, query)
            page = ArticlePage.objects.live().search(query)[2:5]
            self.assertEqual([p.title for p in page], expected[2:5], query)
            self.assertEqual(page.count(), len(expected[2:5]), query)

    def test_the_querysets_filters_still_apply(self):
        titles = [page.title for page in ArticlePage.objects.live().search("sturgeon")]
        self.assertNotIn("Report 3 ", [t[:9] for t in titles])
        everything = [page.title for page in ArticlePage.objects.all().search("sturgeon")]
        self.assertTrue(any(t.startswith("Report 3 ") for t in everything))

    def test_candidates_are_capped(self):
        from caspian.search import sqlite

        original = sqlite.RANKED_CANDIDATES
        sqlite.RANKED_CANDIDATES = 3
        try:
            self.assertEqual(len(list(ArticlePage.objects.all().search("sturgeon"))), 3)
        finally:
            sqlite.RANKED_CANDIDATES = original
