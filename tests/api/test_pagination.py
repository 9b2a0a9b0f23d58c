"""Cursor pagination, and lists costing the same queries for 2 items as for 20 (house rule 3)."""

import time
from datetime import timedelta
from unittest import mock

from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from taggit.models import Tag

from caspian.newsroom.factories import AuthorPageFactory, LiveBlogPageFactory, SectionPageFactory, TopicPageFactory
from caspian.newsroom.models import ArticleCorrection, ArticlePage, ArticleTag, LiveBlogEntry
from tests.newsroom.test_query_counts import roomy_caches

from .scenario import ApiTestCase

MORE = 20


@override_settings(CACHES=roomy_caches())
class PaginationTests(ApiTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.make_archive(40, start=cls.article_count)
        articles = list(ArticlePage.objects.filter(title__startswith="Archived")[:25])
        ArticleCorrection.objects.bulk_create(
            ArticleCorrection(article=article, published_at=article.first_published_at, text=f"Correction {n}.")
            for n, article in enumerate(articles)
        )
        LiveBlogEntry.objects.bulk_create(
            LiveBlogEntry(live_blog=cls.live_blog, posted_at=cls.now, headline=f"Entry {n}", body="<p>More.</p>")
            for n in range(25)
        )
        # Twenty and more of everything listed, so that a page of 20 is full.
        authors_index = cls.author.get_parent()
        for n in range(MORE):
            SectionPageFactory(parent=cls.home, title=f"Section {n}")
            AuthorPageFactory(parent=authors_index, title=f"Author {n}", photo=cls.author.photo)
            TopicPageFactory(parent=cls.home, title=f"Topic {n}")
            LiveBlogPageFactory(section=cls.caucasus, first_published_at=cls.now - timedelta(days=n + 1))
        tags = Tag.objects.bulk_create(Tag(name=f"Tag {n}", slug=f"tag-{n}") for n in range(MORE))
        ArticleTag.objects.bulk_create(ArticleTag(content_object=articles[n], tag=tag) for n, tag in enumerate(tags))

    def walk(self, path):
        """Every item of a list, following ``next``; and the number of pages."""
        items, pages = [], 0
        while path:
            page = self.api(path)
            items += page["items"]
            pages += 1
            path = page["next"]
        return items, pages

    def test_following_next_gives_every_article_once_newest_first(self):
        items, pages = self.walk("articles/?limit=7")
        expected = list(
            ArticlePage.objects.public_articles().in_site(self.site).newest_first().values_list("pk", flat=True)
        )
        self.assertEqual(len(expected), 47 + MORE)
        self.assertEqual([item["id"] for item in items], expected)
        self.assertEqual(pages, 10)

    def test_next_keeps_the_filters(self):
        first = self.api("articles/?limit=5&tag=rail")
        self.assertIn("tag=rail", first["next"])
        items, _ = self.walk(first["next"])
        self.assertTrue(all({"name": "Rail", "slug": "rail"} in item["tags"] for item in items))

    def test_ties_in_time_are_ordered_by_id(self):
        # Entries posted at the same moment: the cursor's id keeps pages apart.
        items, _ = self.walk(f"live-blogs/{self.live_blog.pk}/entries/?limit=4")
        self.assertEqual(len(items), 28)
        self.assertEqual(len({item["id"] for item in items}), 28)

    def test_every_list_pages(self):
        lists = {"corrections/?limit=10": 26, "sections/?limit=4": 2 + MORE, "authors/?limit=4": 2 + MORE}
        lists |= {"tags/?limit=4": 2 + MORE, "topics/?limit=4": 1 + MORE, "live-blogs/?limit=4": 1 + MORE}
        for path, count in lists.items():
            items, _ = self.walk(path)
            self.assertEqual(len(items), count, path)

    def test_a_page_is_the_same_bytes_a_minute_later(self):
        # Its ETag too: a cursor holds no time (Django's signing.dumps() would put one in its signature).
        first = self.client.get("/api/v1/articles/?limit=5")
        with mock.patch("time.time", return_value=time.time() + 60):
            later = self.client.get("/api/v1/articles/?limit=5", HTTP_IF_NONE_MATCH=first["ETag"])
        self.assertEqual(later.status_code, 304)

    def test_a_bad_cursor_is_a_400_saying_what_to_do(self):
        error = self.api("articles/?cursor=made-up", status=400)["error"]
        self.assertIn("use the `next` address", error)
        tags_cursor = self.api("tags/?limit=1")["next"].split("cursor=")[1]
        self.api(f"articles/?cursor={tags_cursor}", status=400)

    def count_queries(self, path):
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(path)
        self.assertEqual(response.status_code, 200, path)
        return len(queries)

    def test_lists_cost_the_same_queries_for_2_items_as_for_20(self):
        # Articles: the page, then bylines with their authors, tags and topics. Entries: the live blog (4), its entries.
        # The site and its settings come from the shared cache; renditions are remembered by the process.
        lists = {"articles/": 4, "live-blogs/": 4, f"live-blogs/{self.live_blog.pk}/entries/": 5, "corrections/": 1}
        lists |= {"sections/": 1, "authors/": 1, "tags/": 1, "topics/": 1}
        for path, count in lists.items():
            with self.subTest(path):
                self.client.get(f"/api/v1/{path}?limit=20")  # makes the renditions, fills the site cache
                for limit in (2, 20):
                    with self.assertNumQueries(count):
                        response = self.client.get(f"/api/v1/{path}?limit={limit}")
                    self.assertEqual(len(response.json()["items"]), limit)
        cursor = self.api("articles/?limit=20")["next"].split("?")[1]
        self.assertEqual(self.count_queries(f"/api/v1/articles/?{cursor}"), self.count_queries("/api/v1/articles/"))

    def test_a_deep_page_is_a_keyset_query_without_offset_or_count(self):
        cursor = self.api("articles/?limit=20")["next"].split("?")[1]
        with CaptureQueriesContext(connection) as queries:
            self.client.get(f"/api/v1/articles/?{cursor}")
        sql = " ".join(query["sql"].upper() for query in queries)
        self.assertNotIn("OFFSET", sql)
        self.assertNotIn("COUNT(", sql)
        self.assertIn("LIMIT 21", sql)  # one more than the page, to know whether there is a next
