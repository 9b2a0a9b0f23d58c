from django.utils import timezone

from caspian.newsroom.factories import ArticlePageFactory
from caspian.newsroom.models import ArticlePage
from caspian.pagecache import store
from tests.newsroom.scenario import NewsroomTestCase

from .client import WsgiClient


class PageCacheTestCase(NewsroomTestCase):
    """The newsroom scenario, with an empty page cache and a reader talking to the WSGI application."""

    def setUp(self):
        store.clear_local()  # the shared cache is emptied before every test (tests/conftest.py)
        self.reader = WsgiClient()

    def cached(self, path):
        """GET ``path`` until it is served from the cache; returns the cached response."""
        first = self.reader.get(path)
        self.assertEqual(first.status, 200, path)
        second = self.reader.get(path)
        self.assertTrue(second.hit, f"{path} was not served from the page cache")
        return second

    def assert_fresh(self, path, expected=None, absent=None, status=200):
        """The next GET of ``path`` is not the old cached page: rendered again, showing the change."""
        response = self.reader.get(path)
        self.assertEqual(response.status, status, path)
        self.assertFalse(response.hit, f"{path} was still served from the page cache")
        if expected is not None:
            self.assertIn(expected, response.text, path)
        if absent is not None:
            self.assertNotIn(absent, response.text, path)
        return response

    def publish(self, article, **changes):
        article = ArticlePage.objects.get(pk=article.pk)
        for name, value in changes.items():
            setattr(article, name, value)
        with self.captureOnCommitCallbacks(execute=True):
            article.save_revision().publish()
        return ArticlePage.objects.get(pk=article.pk)

    def new_draft(self, title, section=None, tags=()):
        """A new article not yet published (factories make live pages without Wagtail's publish signals)."""
        return ArticlePageFactory(
            title=title,
            section=section or self.caucasus,
            authors=[self.author],
            tags=list(tags),
            live=False,
            first_published_at=timezone.now(),
        )
