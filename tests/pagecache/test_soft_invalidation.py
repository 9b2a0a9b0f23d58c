"""Soft and hard invalidation: a changed list keeps its page served while one request renders it anew.

When only a list on a page changed (Latest, Must read, More articles, a
comment count), readers keep getting the previous copy, with its ``Age``,
while exactly one request renders the new one (it holds the page's render
lock in the shared cache: Redis in the PostgreSQL run, so across processes
and machines too). When the page itself changed, or an article it showed
was withdrawn, the old copy is never served again.
"""

import threading
from concurrent.futures import ThreadPoolExecutor

from django.core.signals import request_started
from django.test import RequestFactory

from caspian.newsroom.models import ArticlePage
from caspian.pagecache import store

from .client import get_from_another_thread
from .helpers import PageCacheTestCase


def key(path):
    """The cache key of ``path`` as the test's readers ask for it."""
    environ = RequestFactory().get(path).environ
    return store.key_for(environ.get("HTTP_HOST", ""), environ["PATH_INFO"], environ["QUERY_STRING"])


class SoftInvalidationTests(PageCacheTestCase):
    def test_while_one_request_renders_a_stale_page_two_others_get_the_old_copy_at_once(self):
        page = self.articles[2].url  # its Latest list will show the new article
        old = self.cached(page)
        self.publish(self.new_draft("Ferry timetable doubles for the spring"))
        renders, meanwhile, main = [], [], threading.current_thread()

        def racing_readers(**kwargs):
            if threading.current_thread() is main:  # the render this test asked for
                renders.append(page)
                with ThreadPoolExecutor(max_workers=2) as pool:
                    meanwhile.extend(pool.map(get_from_another_thread, [page, page]))

        request_started.connect(racing_readers)
        try:
            rendered = self.reader.get(page)
        finally:
            request_started.disconnect(racing_readers)

        self.assertEqual(renders, [page])  # one render, by the request that claimed the lock
        self.assertEqual(rendered.headers["x-page-cache"], "miss")
        self.assertIn("Ferry timetable doubles for the spring", rendered.text)
        for response in meanwhile:
            self.assertEqual((response.status, response.headers["x-page-cache"]), (200, "stale"))
            self.assertEqual(response.body, old.body)
            self.assertIn("age", response.headers)
            # A proxy in front may keep this copy a second, not the page's usual five minutes.
            self.assertIn("s-maxage=1,", response.headers["cache-control"])
            self.assertIn("s-maxage=300", old.headers["cache-control"])
        after = self.reader.get(page)
        self.assertTrue(after.hit)
        self.assertEqual(after.body, rendered.body)

    def test_the_render_lock_is_one_requests_at_a_time(self):
        self.assertTrue(store.claim_render(key("/")))
        self.assertFalse(store.claim_render(key("/")))
        self.assertTrue(store.claim_render(key("/other/")))
        store.release_render(key("/"))
        self.assertTrue(store.claim_render(key("/")))

    def test_an_edit_drops_the_articles_own_copy_and_leaves_its_teasers_stale(self):
        article, other = self.articles[1], self.articles[2]  # other shows it in Latest
        old_other = self.cached(other.url)
        self.cached(article.url)
        self.publish(article, title="Port authority names a new director")
        for path in (article.url, other.url):  # as if other requests were rendering both already
            self.assertTrue(store.claim_render(key(path)))
        own = self.reader.get(article.url)
        self.assertEqual(own.headers["x-page-cache"], "miss")
        self.assertIn("Port authority names a new director", own.text)
        teaser = self.reader.get(other.url)
        self.assertEqual(teaser.headers["x-page-cache"], "stale")
        self.assertEqual(teaser.body, old_other.body)

    def test_a_withdrawn_article_is_gone_at_once_from_every_page_that_showed_it(self):
        article, other = self.articles[1], self.articles[2]
        for path in (article.url, other.url, "/"):
            self.cached(path)
        with self.captureOnCommitCallbacks(execute=True):
            ArticlePage.objects.get(pk=article.pk).unpublish()
        for path in (article.url, other.url, "/"):
            self.assertTrue(store.claim_render(key(path)))  # even with a render under way elsewhere
        self.assert_fresh(article.url, status=404)
        for path in (other.url, "/"):
            self.assert_fresh(path, absent=article.title)

    def test_a_new_comment_drops_its_articles_own_copy(self):
        from caspian.comments.factories import CommentFactory
        from caspian.comments.models import Status
        from caspian.comments.moderation import set_status

        article = self.articles[0]
        self.cached(article.url)
        comment = CommentFactory(article=article, status=Status.PENDING, body="Seen from the ferry deck.")
        with self.captureOnCommitCallbacks(execute=True):
            set_status([comment.pk], Status.APPROVED)
        self.assertTrue(store.claim_render(key(article.url)))
        self.assert_fresh(article.url, expected="Seen from the ferry deck.")
