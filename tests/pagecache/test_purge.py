"""Publishing purges the CDN or caching proxy in front, through Wagtail's frontend cache."""

import logging

from django.test import override_settings

from caspian.newsroom.models import ArticlePage

from ..fake_services import FakePurgingProxy
from .helpers import PageCacheTestCase


def proxy_settings(url):
    return {"proxy": {"BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend", "LOCATION": url}}


class PurgeTests(PageCacheTestCase):
    def test_publishing_purges_the_pages_that_show_the_article(self):
        article = self.articles[0]
        with FakePurgingProxy() as proxy, override_settings(WAGTAILFRONTENDCACHE=proxy_settings(proxy.url)):
            self.publish(article, title="Grain corridor reopens")
        purged = proxy.purged()
        expected = {
            article.url,
            "/",
            article.section.url,
            article.get_parent().url,
            self.author.url,
            "/tags/ports/",
            "/feeds/rss.xml",
            "/feeds/atom.xml",
            "/feeds/feed.json",
            f"/feeds/section/{article.section.slug}/rss.xml",
            "/sitemap.xml",
            "/sitemap-news.xml",
        }
        self.assertLessEqual(expected, purged)
        self.assertEqual({host for _, host, _ in proxy.requests}, {"localhost"})

    def test_unpublishing_and_comment_changes_purge_too(self):
        article = self.articles[0]
        with FakePurgingProxy() as proxy, override_settings(WAGTAILFRONTENDCACHE=proxy_settings(proxy.url)):
            with self.captureOnCommitCallbacks(execute=True):
                ArticlePage.objects.get(pk=article.pk).unpublish()
        self.assertIn(article.url, proxy.purged())

    def test_nothing_is_purged_before_the_change_is_committed(self):
        article = self.articles[0]
        with FakePurgingProxy() as proxy, override_settings(WAGTAILFRONTENDCACHE=proxy_settings(proxy.url)):
            with self.captureOnCommitCallbacks(execute=False) as callbacks:
                ArticlePage.objects.get(pk=article.pk).save_revision().publish()
            self.assertEqual(proxy.requests, [])
            for callback in callbacks:
                callback()
        self.assertIn(article.url, proxy.purged())

    def test_a_proxy_that_is_down_does_not_stop_publishing(self):
        article = self.articles[0]
        with override_settings(WAGTAILFRONTENDCACHE=proxy_settings("http://127.0.0.1:9")):
            with self.assertLogs("wagtail.frontendcache", logging.ERROR):
                published = self.publish(article, title="Published while the proxy is down")
        self.assertEqual(published.title, "Published while the proxy is down")
        self.assert_fresh(article.url, expected="Published while the proxy is down")
