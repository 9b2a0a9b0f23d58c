"""Cache keys from declared query parameters only: junk neither creates entries nor changes what is served."""

from unittest import mock

import pytest
from django.apps import apps
from django.core.cache import cache
from django.urls import URLPattern, URLResolver, get_resolver
from wagtail.models import Page

from caspian.pagecache import store
from caspian.pagecache.parameters import canonical

from .client import forget_local_copies
from .helpers import PageCacheTestCase


def page_entries():
    """The keys of the pages stored in the cache (local memory or Redis)."""
    marker = f"pagecache:{store.FORMAT}:page:"
    if hasattr(cache, "keys"):  # Redis
        return sorted(cache.keys(f"*{marker}*"))
    return sorted(key for key in cache._cache if marker in key and not key.endswith(":rendering"))


class JunkParameterTests(PageCacheTestCase):
    def test_junk_parameters_are_served_the_page_of_the_bare_address_and_store_nothing(self):
        article = self.articles[0].url
        page = self.cached(article)
        entries = page_entries()
        for n in range(20):
            if n % 5 == 0:
                forget_local_copies()  # another process: it learns the address's parameters from the shared cache
            response = self.reader.get(f"{article}?junk={n}&utm_source=x&q=ferry")
            self.assertTrue(response.hit, n)
            self.assertEqual(response.body, page.body)
        self.assertEqual(page_entries(), entries)

    def test_a_first_request_with_junk_stores_the_page_under_its_bare_address(self):
        section = self.caucasus.url
        first = self.reader.get(f"{section}?junk=1")
        self.assertEqual((first.status, first.headers["x-page-cache"]), (200, "miss"))
        self.assertEqual(len(page_entries()), 1)
        bare = self.reader.get(section)
        self.assertTrue(bare.hit)
        self.assertEqual(bare.body, first.body)

    def test_declared_parameters_keep_their_own_entries(self):
        self.cached(self.caucasus.url)
        second = self.reader.get(f"{self.caucasus.url}?page=1&junk=1")
        self.assertFalse(second.hit)
        self.assertTrue(self.reader.get(f"{self.caucasus.url}?junk=2&page=1").hit)
        self.assertEqual(len(page_entries()), 2)

    def test_an_address_keeps_at_most_so_many_entries_with_a_query(self):
        with mock.patch.object(store, "VARIANTS_PER_ADDRESS", 3):
            for n in range(6):
                self.assertEqual(self.reader.get(f"/search/?q=port+{n}").status, 200)
            self.assertEqual(len(page_entries()), 3)
            self.assertEqual(self.reader.get("/search/?q=port+5").headers["x-page-cache"], "miss")


@pytest.mark.pure
def test_the_canonical_query_keeps_declared_parameters_last_value_first_name_first():
    assert canonical("page=2&junk=1&before=x", ("page", "before", "after")) == "before=x&page=2"
    assert canonical("page=1&page=3", ("page",)) == "page=3"  # Django's QueryDict.get() reads the last
    assert canonical("q=a%20b&q=", ("q",)) == "q="
    assert canonical("utm_source=x&fbclid=y&q=baku", None) == "q=baku"
    assert canonical("junk", ()) == ""


@pytest.mark.pure
def test_every_page_type_and_reader_view_declares_its_query_parameters():
    """A new page type or view must say which parameters it reads, or pages with a query are never stored."""
    pages = [
        model for model in apps.get_models() if issubclass(model, Page) and model.__module__.startswith("caspian.")
    ]
    assert pages and [model.__name__ for model in pages if not hasattr(model, "query_parameters")] == []
    views = dict(_reader_views(get_resolver().url_patterns))
    assert {"search/", "tags/<str:slug>/", "sitemap.xml"} <= set(views)
    assert [route for route, view in views.items() if not hasattr(view, "query_parameters")] == []


# Never in the page cache (see caspian.pagecache.conf), so they need not declare anything.
NOT_CACHED = ("admin/", "comments/", "documents/", "healthz", "^media/")


def _reader_views(patterns):
    for pattern in patterns:
        route = str(pattern.pattern)
        if route.startswith(NOT_CACHED):
            continue
        if isinstance(pattern, URLResolver):
            if getattr(pattern.urlconf_name, "__name__", "") != "wagtail.urls":  # pages declare their own
                yield from _reader_views(pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            yield route, pattern.callback
