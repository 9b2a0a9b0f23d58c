"""Readers during a database outage: cached pages, the last good copy, 503 with Retry-After, comments kept.

The outage is made where Django meets the database (``execute_wrapper``,
Django's hook around every query): each query fails with the error a
stopped server gives. ``tests/e2e/test_outages.py`` stops a real database.
The cache outage is a real Redis of the test's own, frozen.
"""

import dataclasses
import logging
import time
import unittest
from contextlib import contextmanager

from django.core.cache import cache
from django.db import OperationalError, connection
from django.test import Client, override_settings

from caspian import outages
from caspian.comments.models import Comment
from caspian.errors import RETRY_AFTER_SECONDS
from caspian.newsroom.cache_tags import page_tag
from caspian.pagecache import store
from tests.comments.helpers import comment_data
from tests.services import RedisServer, redis_available

from .helpers import PageCacheTestCase

REFUSED = 'connection to server at "127.0.0.1", port 5432 failed: Connection refused'


@contextmanager
def database_down():
    """Every query fails as with a stopped database server, until the block ends."""

    def refuse(execute, sql, params, many, context):
        raise OperationalError(REFUSED)

    outages.DATABASE.reset()
    with connection.execute_wrapper(refuse):
        yield
    outages.DATABASE.reset()


class DatabaseOutageTests(PageCacheTestCase):
    def test_a_page_never_cached_answers_503_with_retry_after_in_the_publications_design(self):
        address = self.articles[1].url
        self.cached("/")  # the site (and its name) is in the shared cache, as on any site that has had a reader
        with database_down(), self.assertLogs("caspian.outages", logging.ERROR) as logged:
            with self.assertNoLogs("django.request"):  # no traceback per request
                responses = [self.reader.get(address) for _ in range(3)]
        for response in responses:
            self.assertEqual(response.status, 503)
            self.assertEqual(response.headers["retry-after"], str(RETRY_AFTER_SECONDS))
            self.assertEqual(response.headers["cache-control"], "no-store")
            self.assertIn("Back in a moment", response.text)
            self.assertIn("The Caspian Times", response.html().select_one(".masthead__name").text)
            self.assertIn("/static/caspian/css/site.css", response.text)
        self.assertEqual(len(logged.records), 1, "one line for the outage, not one per request")
        self.assertIn("The database does not answer (OperationalError: connection to server", logged.output[0])

    def test_cached_pages_are_served_as_they_are(self):
        paths = ["/", self.caucasus.url, self.articles[0].url, "/feeds/rss.xml"]  # addresses read before the outage
        cached = {path: self.cached(path).body for path in paths}
        with database_down():
            for path in paths:
                response = self.reader.get(path)
                self.assertTrue(response.hit, path)
                self.assertEqual(response.body, cached[path])

    def test_an_expired_or_stale_page_is_served_as_its_last_good_copy(self):
        expired, stale = self.articles[0].url, self.caucasus.url
        bodies = {path: self.cached(path).body for path in (expired, stale)}
        key = store.key_for("", expired, "")  # the test requests send no Host header
        cache.set(key, dataclasses.replace(cache.get(key), expires=time.time() - 3600), timeout=None)
        store.invalidate([page_tag(self.articles[5].pk)])  # soft: a list on the section page changed
        store.clear_local()
        with database_down():
            for path in (expired, stale):
                response = self.reader.get(path)
                self.assertEqual(response.status, 200, path)
                self.assertEqual(response.headers["x-page-cache"], "stale-if-error", path)
                self.assertEqual(response.body, bodies[path])
                self.assertIn("s-maxage=1,", response.headers["cache-control"])

    def test_a_withdrawn_page_is_not_served_even_during_an_outage(self):
        address = self.articles[0].url
        self.cached(address)
        store.invalidate([page_tag(self.articles[0].pk)], hard=True)
        with database_down():
            response = self.reader.get(address)
        self.assertEqual(response.status, 503)
        self.assertNotIn("x-page-cache", response.headers)

    def test_a_comment_posted_during_an_outage_comes_back_to_its_writer_then_posts_once(self):
        reader = Client(raise_request_exception=False)
        text = "Ferries from Aktau were cancelled again <b>tonight</b>; the port office said nothing."
        data = comment_data(comment=text, author="Aigerim Nurlanovna", email="aigerim@example.org")
        address = f"/comments/post/{self.articles[0].pk}/"
        with database_down():
            response = reader.post(address, data, REMOTE_ADDR="198.51.100.9")
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response["Retry-After"], str(RETRY_AFTER_SECONDS))
        page = self.reader_html(response)
        self.assertIn("Nothing is lost", page.select_one("[role=alert]").text)
        form = page.select_one("form.comment-form")
        self.assertEqual(form["action"], address)
        self.assertEqual(form.select_one("textarea[name=comment]").text, text)  # kept, and escaped in the page
        self.assertNotIn("<b>tonight</b>", response.content.decode())
        kept = {field["name"]: field["value"] for field in form.select("input[type=hidden]")}
        self.assertEqual(kept["author"], "Aigerim Nurlanovna")
        self.assertEqual(kept["email"], "aigerim@example.org")
        self.assertEqual(kept["form_token"], data["form_token"])
        self.assertNotIn("homepage", kept)
        self.assertFalse(Comment.objects.exists())

        again = reader.post(address, {**kept, "comment": text}, REMOTE_ADDR="198.51.100.9")  # the database is back
        self.assertEqual(again.status_code, 302)
        self.assertEqual(list(Comment.objects.values_list("body", "author_name")), [(text, "Aigerim Nurlanovna")])

    def reader_html(self, response):
        from bs4 import BeautifulSoup

        return BeautifulSoup(response.content, "html.parser")


class CacheOutageTests(PageCacheTestCase):
    """A private Redis (tests/services.py) frozen with SIGSTOP, as a stuck node or a partition looks.

    Each freeze costs the one request that meets it the cache's timeout (0.3 s).
    """

    @classmethod
    def setUpClass(cls):
        if not redis_available():
            raise unittest.SkipTest("needs redis-server (Debian's redis-server package) to freeze a Redis of its own")
        cls.redis = cls.enterClassContext(RedisServer())
        location = {"BACKEND": "caspian.cache.RedisCache", "LOCATION": cls.redis.url, "KEY_PREFIX": "outage"}
        options = {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.3, "SOCKET_TIMEOUT": 0.3}
        cls.enterClassContext(override_settings(CACHES={"default": {**location, "OPTIONS": options}}))
        super().setUpClass()

    def setUp(self):
        super().setUp()
        self.addCleanup(self.redis.resume)
        self.addCleanup(outages.CACHE.reset)

    def probe_now(self):
        outages.CACHE.next_try = 0.0  # as if the retry interval had passed

    def test_a_frozen_cache_costs_one_timeout_then_pages_come_from_this_process_and_the_database(self):
        article, section = self.articles[0].url, self.caucasus.url
        cached = self.cached(article)
        self.redis.freeze()
        with self.assertLogs("caspian.outages", logging.ERROR) as logged:
            hits = [self.reader.get(article) for _ in range(5)]
            rendered = self.reader.get(section)
            rendered_again = self.reader.get(section)  # kept by this process meanwhile
            health = Client().get("/healthz")
        for hit in hits:
            self.assertTrue(hit.hit)
            self.assertEqual(hit.body, cached.body)
        self.assertEqual((rendered.status, rendered.headers["x-page-cache"]), (200, "miss"))
        self.assertEqual(rendered.html().h1.text, "South Caucasus")
        self.assertTrue(rendered_again.hit)
        self.assertEqual((health.status_code, health.json()), (503, {"database": "ok", "cache": "failing"}))
        self.assertEqual(len(logged.records), 1, logged.output)
        self.assertIn("The cache does not answer (TimeoutError", logged.output[0])
        self.assertGreater(outages.CACHE.skipped, 10, "the cache was skipped, not waited for")

        self.redis.resume()
        self.probe_now()
        with self.assertLogs("caspian.outages", logging.WARNING) as logged:
            self.assertEqual(self.reader.get(section).status, 200)
        self.assertIn("The cache answers again after", logged.output[0])
        self.assertTrue(self.cached(section).hit)

    def test_while_the_cache_is_out_a_list_changed_keeps_the_copy_and_a_page_changed_drops_it(self):
        first, second = self.articles[0].url, self.articles[1].url
        kept = {address: self.cached(address).body for address in (first, second)}
        self.redis.freeze()
        store.invalidate([page_tag(self.articles[5].pk)])  # soft: say, a comment count in More articles
        store.invalidate([page_tag(self.articles[1].pk)])  # the second article itself changed
        response = self.reader.get(first)
        self.assertTrue(response.hit)
        self.assertEqual(response.body, kept[first])
        self.assertEqual(self.reader.get(second).headers["x-page-cache"], "miss")

    def test_an_invalidation_made_while_the_cache_is_out_is_written_when_it_is_back(self):
        article = self.articles[0].url
        self.cached(article)
        self.redis.freeze()
        store.invalidate([page_tag(self.articles[0].pk)], hard=True)  # an article withdrawn meanwhile
        self.redis.resume()
        self.probe_now()
        self.reader.get(self.caucasus.url)  # the first request to reach the cache again
        store.clear_local()  # as another app server would ask
        self.assertFalse(self.reader.get(article).hit)
