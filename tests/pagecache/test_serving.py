"""Serving from the page cache: hits without SQL, HTTP caching headers, the same bytes for every reader, bypasses."""

import json

from django.core.cache import cache
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils.http import http_date

from caspian import versions
from caspian.comments.models import Comment
from caspian.pagecache import store

from ..comments.helpers import finish_background_work
from .client import WsgiClient, forget_local_copies
from .helpers import PageCacheTestCase


class HitTests(PageCacheTestCase):
    def test_a_hit_runs_no_sql_query_and_serves_the_same_page(self):
        paths = ["/", self.caucasus.url, self.articles[2].url, "/feeds/rss.xml", "/sitemap.xml", self.author.url]
        for path in paths:
            with self.subTest(path=path):
                first = self.reader.get(path)
                self.assertEqual(first.headers["x-page-cache"], "miss")
                for shared in (False, True):  # this process's copy, then the shared cache's
                    if shared:
                        forget_local_copies()
                    with CaptureQueriesContext(connection) as queries:
                        again = self.reader.get(path)
                    self.assertTrue(again.hit)
                    self.assertEqual(len(queries), 0, [q["sql"] for q in queries])
                    self.assertEqual(again.body, first.body)
                    self.assertEqual(again.headers["content-type"], first.headers["content-type"])

    def test_security_headers_come_with_hits(self):
        first = self.reader.get("/")
        hit = self.reader.get("/")
        for header in ("content-security-policy", "x-frame-options", "x-content-type-options", "referrer-policy"):
            self.assertEqual(hit.headers.get(header), first.headers.get(header), header)
            self.assertIn(header, hit.headers)

    def test_head_gets_headers_without_body(self):
        self.cached("/")
        response = self.reader.head("/")
        self.assertTrue(response.hit)
        self.assertEqual(response.body, b"")
        self.assertGreater(int(response.headers["content-length"]), 1000)

    def test_tracking_parameters_share_the_page_and_real_ones_do_not(self):
        self.cached(self.caucasus.url)
        self.assertTrue(self.reader.get(self.caucasus.url + "?utm_source=newsletter&fbclid=x").hit)
        self.assertFalse(self.reader.get(self.caucasus.url + "?page=1").hit)

    def test_hosts_are_kept_apart(self):
        self.cached("/")
        self.assertFalse(self.reader.get("/", HTTP_HOST="other.example.org").hit)

    def test_an_editor_with_a_session_bypasses_the_cache(self):
        self.cached("/")
        self.reader.cookies["sessionid"] = "abc"
        with CaptureQueriesContext(connection) as queries:
            response = self.reader.get("/")
        self.assertFalse(response.hit)
        self.assertNotIn("x-page-cache", response.headers)
        self.assertGreater(len(queries), 0)

    def test_pages_that_are_not_for_the_cache(self):
        for path in ["/healthz", "/no-such-page/", "/admin/login/"]:
            with self.subTest(path=path):
                self.reader.get(path)
                self.assertFalse(self.reader.get(path).hit)

    @override_settings(PAGE_CACHE=False)
    def test_the_cache_can_be_switched_off(self):
        self.reader.get("/")
        response = self.reader.get("/")
        self.assertFalse(response.hit)
        self.assertNotIn("x-page-cache", response.headers)


class HttpCachingTests(PageCacheTestCase):
    def test_cdn_headers_on_a_page_without_forms(self):
        response = self.reader.get("/")
        directives = {part.strip() for part in response.headers["cache-control"].split(",")}
        self.assertTrue({"public", "max-age=0", "s-maxage=300", "stale-while-revalidate=60"} <= directives)
        self.assertIn("stale-if-error=86400", directives)

    def test_surrogate_keys_name_the_article_its_section_and_author(self):
        article = self.articles[1]
        response = self.reader.get(article.url)
        keys = response.headers["surrogate-key"].split()
        for page in (article, self.caucasus, self.author):
            self.assertIn(f"page-{page.pk}", keys)
        self.assertEqual(response.headers["cache-tag"], response.headers["surrogate-key"])

    def test_archive_wide_pages_name_the_archive_not_each_article(self):
        # A sitemap page lists up to 50,000 articles: one tag stands for all of them.
        for path in ("/sitemap-articles.xml", "/feeds/rss.xml"):
            keys = self.reader.get(path).headers["surrogate-key"].split()
            self.assertIn("articles", keys, path)
            self.assertFalse({f"page-{article.pk}" for article in self.articles} & set(keys), path)

    def test_etag_answers_304(self):
        first = self.reader.get("/")
        for hit_source in ("local", "shared"):
            if hit_source == "shared":
                forget_local_copies()
            response = self.reader.get("/", HTTP_IF_NONE_MATCH=first.headers["etag"])
            self.assertEqual(response.status, 304)
            self.assertEqual(response.body, b"")
            self.assertEqual(response.headers["etag"], first.headers["etag"])
        self.assertEqual(self.reader.get("/", HTTP_IF_NONE_MATCH='"something-else"').status, 200)

    def test_last_modified_answers_304(self):
        first = self.reader.get("/")
        since = first.headers["last-modified"]
        self.assertEqual(self.reader.get("/", HTTP_IF_MODIFIED_SINCE=since).status, 304)
        self.assertEqual(self.reader.get("/", HTTP_IF_MODIFIED_SINCE=http_date(0)).status, 200)


class SameBytesForEveryReaderTests(PageCacheTestCase):
    """Article pages carry a comment form, yet every anonymous reader gets the same bytes: any CDN may cache them."""

    def test_two_readers_get_identical_bytes_and_no_cookie(self):
        article = self.articles[0]
        readers = [WsgiClient(), WsgiClient()]
        readers[1].cookies.update({"csrftoken": "a" * 32, "caspian_commenter": "author=Leyla", "_ga": "GA1.2"})
        for hit in (False, True):
            forget_local_copies()
            responses = [reader.get(article.url) for reader in readers]
            self.assertEqual([r.hit for r in responses], [hit, True])
            self.assertEqual(responses[0].body, responses[1].body)
            for response in responses:
                self.assertEqual(response.cookies, {}, response.cookies)
                self.assertNotIn("set-cookie", response.headers)
                self.assertNotIn("cookie", response.headers.get("vary", "").lower())
                directives = {part.strip() for part in response.headers["cache-control"].split(",")}
                self.assertLessEqual({"public", "max-age=0", "s-maxage=300"}, directives)
                self.assertFalse(response.headers["etag"].startswith("W/"))
        self.assertIn(f"page-{article.pk}", responses[0].headers["surrogate-key"].split())

    def test_any_reader_with_the_etag_gets_304(self):
        article = self.articles[0]
        etag = self.reader.get(article.url).headers["etag"]
        self.assertEqual(WsgiClient().get(article.url, HTTP_IF_NONE_MATCH=etag).status, 304)

    @override_settings(COMMENTS_MIN_SECONDS=0)  # the test posts at once; a reader takes a while
    def test_the_form_from_a_cached_page_posts_with_a_fetched_token(self):
        article = self.articles[0]
        form = self.cached(article.url).html().select_one("#commentform")
        token = self.reader.get(form["data-token-url"])
        self.assertIn("no-store", token.headers["cache-control"])
        self.assertEqual(token.cookies, {})
        data = {
            "comment": "Written on a page from the cache.",
            "author": "Leyla Mammadova",
            "email": "leyla@example.org",
            "form_token": json.loads(token.body)["form_token"],
        }
        browser = Client(enforce_csrf_checks=True)
        with self.captureOnCommitCallbacks(execute=True):
            response = browser.post(
                form["action"].removesuffix("#respond"),
                data,
                REMOTE_ADDR="198.51.100.7",
                HTTP_ORIGIN="http://testserver",
            )
        finish_background_work()
        self.assertEqual(response.status_code, 302)
        self.assertTrue(Comment.objects.filter(body="Written on a page from the cache.").exists())


class StoreTests(PageCacheTestCase):
    def test_a_page_rendered_during_an_invalidation_is_not_stored(self):
        before = store.generation()
        store.invalidate({"page-1"})
        self.assertIsNone(store.versions_if_unchanged(("page-1", "site"), before))
        self.assertIsNotNone(store.versions_if_unchanged(("page-1", "site"), store.generation()))

    def test_an_evicted_tag_counts_as_changed(self):
        self.cached("/")
        cache.delete(versions.key(store._names(["latest"])[0]))
        forget_local_copies()
        store.invalidate({"unrelated"})  # any invalidation makes processes check their copies again
        self.assertFalse(self.reader.get("/").hit)
