"""Serving from the page cache: hits without SQL, HTTP caching headers, per-reader secrets, bypasses."""

from django.core.cache import cache
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.http import http_date

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
                    if b"csrfmiddlewaretoken" not in first.body:
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


class CommentFormTests(PageCacheTestCase):
    """Article pages carry a comment form: cached once, each reader still gets their own secrets."""

    def tokens(self, response):
        form = response.html().select_one("#commentform")
        return form.select_one("[name=csrfmiddlewaretoken]")["value"], form.select_one("[name=form_token]")["value"]

    @override_settings(COMMENTS_MIN_SECONDS=0)  # the test posts at once; a reader takes a while
    def test_each_reader_gets_their_own_working_form_from_one_cached_page(self):
        article = self.articles[0]
        self.cached(article.url)
        readers = [WsgiClient(), WsgiClient()]
        responses = [reader.get(article.url) for reader in readers]
        for response in responses:
            self.assertTrue(response.hit)
            self.assertIn("csrftoken", response.cookies)
            self.assertEqual(response.headers["cache-control"], "private, no-cache")
            self.assertTrue(response.headers["etag"].startswith("W/"))
        self.assertNotEqual(responses[0].cookies["csrftoken"].value, responses[1].cookies["csrftoken"].value)
        self.assertNotIn(b"caspian:form-secrets", responses[0].body)

        # The form from the cached page posts, CSRF checks on, like a browser.
        csrf, form_token = self.tokens(responses[0])
        browser = Client(enforce_csrf_checks=True)
        browser.cookies["csrftoken"] = readers[0].cookies["csrftoken"]
        data = {
            "comment": "Written on a page from the cache.",
            "author": "Leyla Mammadova",
            "email": "leyla@example.org",
            "csrfmiddlewaretoken": csrf,
            "form_token": form_token,
        }
        with self.captureOnCommitCallbacks(execute=True):
            response = browser.post(reverse("comments:post", args=[article.pk]), data, REMOTE_ADDR="198.51.100.7")
        finish_background_work()
        self.assertEqual(response.status_code, 302)
        self.assertTrue(Comment.objects.filter(body="Written on a page from the cache.").exists())

    def test_a_reader_keeps_their_csrf_cookie_across_cached_pages(self):
        article = self.articles[0]
        first = self.reader.get(article.url)
        second = self.reader.get(article.url)
        self.assertTrue(second.hit)
        self.assertIn("csrftoken", first.cookies)
        self.assertNotIn("csrftoken", second.cookies)  # theirs lasts a year
        self.assertNotEqual(self.tokens(first)[0], self.tokens(second)[0])  # masked afresh, same secret
        self.reader.cookies["csrftoken"] = "not-a-well-formed-secret"
        self.assertIn("csrftoken", self.reader.get(article.url).cookies)  # replaced, as Django does

    def test_304_only_for_a_reader_whose_copy_still_works(self):
        article = self.articles[0]
        first = self.reader.get(article.url)
        self.assertEqual(self.reader.get(article.url, HTTP_IF_NONE_MATCH=first.headers["etag"]).status, 304)
        stranger = WsgiClient()
        self.assertEqual(stranger.get(article.url, HTTP_IF_NONE_MATCH=first.headers["etag"]).status, 200)


class StoreTests(PageCacheTestCase):
    def test_a_page_rendered_during_an_invalidation_is_not_stored(self):
        before = store.generation()
        store.invalidate({"page-1"})
        self.assertIsNone(store.versions_if_unchanged(("page-1", "site"), before))
        self.assertIsNotNone(store.versions_if_unchanged(("page-1", "site"), store.generation()))

    def test_an_evicted_tag_counts_as_changed(self):
        self.cached("/")
        cache.delete(store._tag_key("latest"))
        forget_local_copies()
        store.invalidate({"unrelated"})  # any invalidation makes processes check their copies again
        self.assertFalse(self.reader.get("/").hit)
