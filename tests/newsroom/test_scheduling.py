"""Scheduled publishing: the scheduler's pass carries out publish-at and expire-at times.

Editors schedule the way the admin does (a revision published with a
go-live time in the future; a page published with an expiry time). The
clock is then moved on by moving those stored times into the past, which
is all that time passing changes. Readers fetch the home page, the
section page and the RSS feed through the page cache, as in
tests/pagecache.
"""

from datetime import timedelta
from unittest import skipUnless

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, connections
from django.utils import timezone
from wagtail.models import Revision

from caspian.background import Scheduler
from caspian.newsroom.factories import ArticlePageFactory
from caspian.newsroom.models import ArticlePage
from caspian.newsroom.tasks import SCHEDULING_LOCK, publish_scheduled
from tests.pagecache.helpers import PageCacheTestCase

FEED = "/feeds/rss.xml"


class SchedulingTestCase(PageCacheTestCase):
    def watched(self, section=None):
        """The pages a new article in ``section`` (South Caucasus) appears on."""
        return ["/", (section or self.caucasus).url, FEED]

    def new_article(self, title):
        """An article written but never published."""
        return ArticlePageFactory(
            title=title,
            section=self.caucasus,
            authors=[self.author],
            live=False,
            first_published_at=None,
            last_published_at=None,
        )

    def schedule(self, article, go_live_at, **changes):
        """Publish ``article`` with ``changes`` for ``go_live_at``, as editors do; returns the revision."""
        page = ArticlePage.objects.get(pk=article.pk)
        for name, value in {**changes, "go_live_at": go_live_at}.items():
            setattr(page, name, value)
        revision = page.save_revision()
        with self.captureOnCommitCallbacks(execute=True):
            revision.publish()
        revision.refresh_from_db()
        self.assertEqual(revision.approved_go_live_at, go_live_at)
        return revision

    def clock_reaches_go_live(self, revision, minutes_ago=1):
        """As if the go-live time had come ``minutes_ago`` minutes ago."""
        when = timezone.now() - timedelta(minutes=minutes_ago)
        content = {**revision.content, "go_live_at": DjangoJSONEncoder().default(when)}
        Revision.objects.filter(pk=revision.pk).update(approved_go_live_at=when, content=content)
        ArticlePage.objects.filter(pk=revision.object_id).update(go_live_at=when)

    def run_pass(self):
        """The worker's next scheduling pass, with what follows its commit."""
        with self.captureOnCommitCallbacks(execute=True):
            return publish_scheduled.call()

    def assert_still_cached_without(self, title):
        for path in self.watched():
            response = self.reader.get(path)
            self.assertTrue(response.hit, path)
            self.assertNotIn(title, response.text, path)


class PublishAtTests(SchedulingTestCase):
    def test_a_due_article_goes_live_on_the_next_pass_and_readers_see_it(self):
        title = "Ferry timetable doubles for the spring"
        article = self.new_article(title)
        revision = self.schedule(article, timezone.now() + timedelta(hours=1))
        for path in self.watched():
            self.assertNotIn(title, self.cached(path).text, path)

        self.clock_reaches_go_live(revision)
        self.assertFalse(ArticlePage.objects.get(pk=article.pk).live)  # nothing happens by itself
        self.assert_still_cached_without(title)
        self.assertEqual(self.reader.get(article.url).status, 404)

        with self.assertLogs("caspian.newsroom.tasks", "INFO") as logs:
            self.assertTrue(self.run_pass())
        article = ArticlePage.objects.get(pk=article.pk)
        self.assertTrue(article.live)
        self.assertEqual(article.live_revision_id, revision.pk)
        self.assertIsNotNone(article.first_published_at)
        self.assertIn("Published on schedule:", logs.output[0])
        self.assertIn(f'"{title}" (id {article.pk})', logs.output[0])
        for path in self.watched():
            self.assert_fresh(path, expected=title)
        self.assertEqual(self.reader.get(article.url).status, 200)

    def test_a_future_go_live_time_is_left_alone(self):
        article = self.new_article("Rail link to open next year")
        go_live_at = timezone.now() + timedelta(days=1)
        revision = self.schedule(article, go_live_at)
        for path in self.watched():
            self.cached(path)
        self.assertTrue(self.run_pass())
        self.assertFalse(ArticlePage.objects.get(pk=article.pk).live)
        self.assertEqual(Revision.objects.get(pk=revision.pk).approved_go_live_at, go_live_at)
        self.assert_still_cached_without("Rail link to open next year")

    def test_a_scheduled_edit_of_a_live_article_replaces_it_on_time(self):
        article = self.publish(self.articles[1])  # live, with a live revision as in the admin
        new_title = "Port authority names a new director"
        revision = self.schedule(article, timezone.now() + timedelta(hours=1), title=new_title)
        self.assertEqual(ArticlePage.objects.get(pk=article.pk).title, article.title)  # still the old text
        self.clock_reaches_go_live(revision)
        self.cached(article.url)
        self.run_pass()
        self.assert_fresh(article.url, expected=new_title)
        self.assert_fresh(self.caucasus.url, expected=new_title)


class ExpireAtTests(SchedulingTestCase):
    def test_an_expired_article_is_unpublished_and_leaves_the_pages(self):
        article = ArticlePage.objects.get(pk=self.articles[0].pk)
        article.expire_at = timezone.now() + timedelta(hours=1)
        with self.captureOnCommitCallbacks(execute=True):
            article.save_revision().publish()
        watched = [article.url, *self.watched(article.section)]
        for path in watched:
            self.assertIn(article.title, self.cached(path).text, path)

        ArticlePage.objects.filter(pk=article.pk).update(expire_at=timezone.now() - timedelta(minutes=1))
        self.assertTrue(self.reader.get(article.url).hit)  # still up until the pass

        with self.assertLogs("caspian.newsroom.tasks", "INFO") as logs:
            self.run_pass()
        expired = ArticlePage.objects.get(pk=article.pk)
        self.assertFalse(expired.live)
        self.assertTrue(expired.expired)
        self.assertIn("Unpublished on schedule (expired):", logs.output[0])
        self.assertIn(f'"{article.title}" (id {article.pk})', logs.output[0])
        self.assert_fresh(article.url, status=404)
        for path in self.watched(article.section):
            self.assert_fresh(path, absent=article.title)

    def test_an_expiry_time_still_ahead_is_left_alone(self):
        article = ArticlePage.objects.get(pk=self.articles[0].pk)
        article.expire_at = timezone.now() + timedelta(hours=1)
        article.save_revision().publish()
        self.run_pass()
        self.assertTrue(ArticlePage.objects.get(pk=article.pk).live)


class SchedulerRoundTests(SchedulingTestCase):
    def test_a_scheduler_round_runs_the_pass(self):
        """What the scheduler thread (in `caspian serve`, or the worker) does every round."""
        article = self.new_article("Caspian summit moves to Aktau")
        self.clock_reaches_go_live(self.schedule(article, timezone.now() + timedelta(hours=1)))
        self.cached("/")
        with self.captureOnCommitCallbacks(execute=True):
            Scheduler().step()
        self.assertTrue(ArticlePage.objects.get(pk=article.pk).live)
        self.assert_fresh("/", expected="Caspian summit moves to Aktau")


@skipUnless(connection.vendor == "postgresql", "SQLite runs one writer at a time: a second pass waits its turn")
class OnePassAtATimeTests(SchedulingTestCase):
    def test_a_pass_leaves_the_work_to_one_already_running(self):
        article = self.new_article("Ferry strike called off")
        self.clock_reaches_go_live(self.schedule(article, timezone.now() + timedelta(hours=1)))
        other_worker = connections.create_connection("default")
        try:
            with other_worker.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_lock(%s)", [SCHEDULING_LOCK])
                self.assertFalse(self.run_pass())
                self.assertFalse(ArticlePage.objects.get(pk=article.pk).live)
                cursor.execute("SELECT pg_advisory_unlock(%s)", [SCHEDULING_LOCK])  # its pass is over
        finally:
            other_worker.close()
        self.assertTrue(self.run_pass())
        self.assertTrue(ArticlePage.objects.get(pk=article.pk).live)
