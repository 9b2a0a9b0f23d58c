"""API answers through the whole WSGI application: ETag and 304, the page cache and its purges, CORS."""

import json
from urllib.parse import parse_qs, urlsplit

from django.core.cache import cache
from django.test import override_settings

from caspian.api.models import ApiKey, hash_key
from caspian.newsroom.models import ArticleCorrection, ArticlePage
from tests.pagecache.client import WsgiClient
from tests.pagecache.helpers import PageCacheTestCase

from .scenario import ApiTestCase

ORIGIN = "https://app.example.org"


class CachingTests(ApiTestCase, PageCacheTestCase):
    def setUp(self):
        super().setUp()
        self.reader = WsgiClient()

    def article_paths(self, article):
        lists = ["/api/v1/articles/", f"/api/v1/articles/?section={self.caucasus.slug}", "/api/v1/articles/?tag=rail"]
        return [f"/api/v1/articles/{article.pk}/", *lists, "/api/v1/corrections/"]

    def test_etag_answers_304_when_nothing_changed(self):
        response = self.client.get("/api/v1/articles/")
        etag = response["ETag"]
        not_modified = self.client.get("/api/v1/articles/", HTTP_IF_NONE_MATCH=etag)
        self.assertEqual(not_modified.status_code, 304)
        self.assertEqual(not_modified["ETag"], etag)
        self.assertEqual(self.client.get("/api/v1/articles/", HTTP_IF_NONE_MATCH='"other"').status_code, 200)
        hit = self.cached("/api/v1/articles/")
        self.assertEqual(self.reader.get("/api/v1/articles/", HTTP_IF_NONE_MATCH=hit.headers["etag"]).status, 304)

    def test_answers_are_cached_under_the_tags_of_what_they_show(self):
        hit = self.cached(f"/api/v1/articles/{self.articles[1].pk}/")
        tags = hit.headers["surrogate-key"].split()
        self.assertIn(f"page-{self.articles[1].pk}", tags)
        self.assertIn(f"page-{self.author.pk}", tags)
        self.assertIn("articles", self.cached("/api/v1/articles/").headers["surrogate-key"].split())
        self.assertIn("authors", self.cached("/api/v1/authors/").headers["surrogate-key"].split())
        # Junk in the query shares the entry; the API's own parameters do not.
        self.assertTrue(self.reader.get("/api/v1/articles/?junk=1").hit)
        self.assertFalse(self.reader.get("/api/v1/articles/?limit=3").hit)

    def test_a_correction_purges_the_article_and_the_lists(self):
        article = self.articles[1]
        for path in self.article_paths(article):
            self.cached(path)
        article = ArticlePage.objects.get(pk=article.pk)
        article.corrections.add(ArticleCorrection(text="The ferry leaves at nine, not ten."))
        article.title = "Ferry times corrected"
        with self.captureOnCommitCallbacks(execute=True):
            article.save_revision().publish()
        for path in self.article_paths(article):
            response = self.assert_fresh(path, expected="Ferry times corrected")
            if "corrections" in path or str(article.pk) in path:
                self.assertIn("The ferry leaves at nine", response.text)

    def test_publishing_a_new_article_purges_the_lists(self):
        for path in ["/api/v1/articles/", "/api/v1/tags/", f"/api/v1/articles/?author={self.author.slug}"]:
            self.cached(path)
        article = self.publish(self.new_draft("Ferry timetable doubles", tags=["Timetables"]))
        self.assert_fresh("/api/v1/articles/", expected=article.title)
        self.assert_fresh("/api/v1/tags/", expected="timetables")
        self.assert_fresh(f"/api/v1/articles/?author={self.author.slug}", expected=article.title)

    def test_unpublishing_takes_the_article_away_everywhere(self):
        article = self.articles[1]
        for path in self.article_paths(article):
            self.cached(path)
        with self.captureOnCommitCallbacks(execute=True):
            ArticlePage.objects.get(pk=article.pk).unpublish()
        self.assert_fresh(f"/api/v1/articles/{article.pk}/", status=404)
        for path in self.article_paths(article)[1:]:
            self.assert_fresh(path, absent=f'"id": {article.pk},')

    def test_requests_with_a_key_never_come_from_the_shared_cache(self):
        key = ApiKey(partner="Partner")
        raw = key.issue()
        key.save()
        self.cached("/api/v1/articles/")
        keyed = self.reader.get("/api/v1/articles/", HTTP_AUTHORIZATION=f"Bearer {raw}")
        self.assertEqual(keyed.status, 200)
        self.assertNotIn("x-page-cache", keyed.headers)
        self.assertIn("private", keyed.headers["cache-control"])
        self.assertEqual(self.reader.get("/api/v1/articles/", HTTP_X_API_KEY="csp_wrong").status, 401)

    def test_a_next_link_carries_only_the_declared_parameters_so_junk_is_never_cached_for_others(self):
        first = self.reader.get('/api/v1/articles/?limit=3&section=south-caucasus&junk="evil"&utm_source=spam&limit=2')
        self.assertFalse(first.hit)
        hit = self.reader.get("/api/v1/articles/?section=south-caucasus&limit=2")
        self.assertTrue(hit.hit)  # the same entry: the page cache keys on the declared parameters only
        for response in (first, hit):
            query = parse_qs(urlsplit(json.loads(response.body)["next"]).query)
            self.assertEqual(set(query), {"cursor", "limit", "section"})
            self.assertEqual((query["limit"], query["section"]), (["2"], ["south-caucasus"]))  # the last, as views read

    def test_an_empty_or_made_up_key_is_refused_at_once_without_a_lookup_or_a_cache_entry(self):
        self.cached("/api/v1/articles/")
        self.client.get("/api/v1/articles/", HTTP_AUTHORIZATION="Bearer warm-up")  # the site, the redirects
        made_up = [f"junk{n}" for n in range(50)] + ["csp_" + "x" * 42, "csp_" + "x" * 44, " ", ""]
        with self.assertNumQueries(0):
            for n, junk in enumerate(made_up):
                bearer = self.client.get("/api/v1/articles/", HTTP_AUTHORIZATION=f"Bearer {junk}")
                self.assertEqual(bearer.status_code, 401, junk)
                self.assertIn("not valid", bearer.json()["error"])
                header = self.client.get(f"/api/v1/sections/?n={n}", HTTP_X_API_KEY=junk)
                self.assertEqual(header.status_code, 401, junk)
            self.assertEqual(self.client.get("/api/v1/articles/", HTTP_AUTHORIZATION="").status_code, 401)
        self.assertEqual([junk for junk in made_up if cache.get(f"caspian:api:key:{hash_key(junk)}") is not None], [])
        # Through the page cache as well: an empty key header is never answered from it, nor rendered.
        empty = self.reader.get("/api/v1/articles/", HTTP_X_API_KEY="")
        self.assertEqual((empty.status, empty.headers.get("x-page-cache")), (401, None))

    def test_cors_for_configured_origins_on_hits_and_misses(self):
        path = "/api/v1/articles/"
        miss = self.reader.get(path, HTTP_ORIGIN=ORIGIN)
        hit = self.reader.get(path, HTTP_ORIGIN=ORIGIN)
        self.assertTrue(hit.hit)
        for response in (miss, hit):
            self.assertEqual(response.headers["access-control-allow-origin"], ORIGIN)
            self.assertIn("Origin", response.headers["vary"])
            self.assertIn("ETag", response.headers["access-control-expose-headers"])
        other = self.reader.get(path, HTTP_ORIGIN="https://elsewhere.example")
        self.assertTrue(other.hit)
        self.assertNotIn("access-control-allow-origin", other.headers)
        self.assertNotIn("access-control-allow-origin", self.reader.get("/").headers)

    def test_preflight(self):
        preflight = self.reader.get(
            "/api/v1/articles/",
            method="OPTIONS",
            HTTP_ORIGIN=ORIGIN,
            HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
            HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization",
        )
        self.assertEqual(preflight.status, 204)
        self.assertEqual(preflight.headers["access-control-allow-origin"], ORIGIN)
        self.assertIn("Authorization", preflight.headers["access-control-allow-headers"])
        self.assertIn("GET", preflight.headers["access-control-allow-methods"])
        refused = self.reader.get(
            "/api/v1/articles/",
            method="OPTIONS",
            HTTP_ORIGIN="https://elsewhere.example",
            HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        )
        self.assertEqual(refused.status, 403)
        self.assertIn("CASPIAN_API_CORS_ORIGINS", refused.text)
        with override_settings(API_CORS_ORIGINS=["*"]):
            anyone = self.reader.get("/api/v1/tags/", HTTP_ORIGIN="https://elsewhere.example")
            self.assertEqual(anyone.headers["access-control-allow-origin"], "*")
