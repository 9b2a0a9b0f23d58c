"""The demo publication loads completely, once, and configures the site it lands in."""

import re
from datetime import timedelta

import pytest
from django.db.models import Count, Q
from django.test import SimpleTestCase, TestCase
from django.utils import timezone
from wagtail.models import Site

from caspian.comments.models import Comment, Status
from caspian.demo import loader
from caspian.masthead.models import MastheadSettings
from caspian.newsroom.models import (
    ArticleCorrection,
    ArticlePage,
    ArticleUpdate,
    AuthorPage,
    DatedClaim,
    HomePage,
    LiveBlogPage,
    MustReadPick,
    PublicationSettings,
    SectionPage,
    StandardPage,
    TopicPage,
)


class DemoLoaderTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.steps = []
        cls.count = loader.load(
            progress=lambda done, total, label: cls.steps.append((done, total, label)), prepare_images=False
        )

    def test_content_volume(self):
        self.assertGreaterEqual(self.count, 40)
        self.assertEqual(ArticlePage.objects.live().count(), self.count)
        sections = SectionPage.objects.live().filter(show_in_menus=True)
        self.assertGreaterEqual(sections.count(), 5)
        for section in sections:
            self.assertGreaterEqual(ArticlePage.objects.filter(section=section).count(), 5, section.title)

    def test_authors_have_bios_websites_and_photos(self):
        authors = AuthorPage.objects.live()
        self.assertEqual(authors.count(), 8)
        for author in authors:
            self.assertTrue(author.bio and author.role and author.photo_id, author.title)
            self.assertRegex(author.website, r"^https://[a-z0-9.-]+\.example\.(org|com|net)/$")

    def test_articles_are_complete_and_dated_in_the_past(self):
        now = timezone.now()
        for article in ArticlePage.objects.filter(liveblogpage__isnull=True).select_related("lead_image"):
            self.assertTrue(article.standfirst and article.dateline, article.slug)
            self.assertTrue(article.lead_image and article.lead_image_alt, article.slug)
            self.assertTrue(article.bylines.exists(), article.slug)
            self.assertTrue(article.tags.exists(), article.slug)
            self.assertLess(article.first_published_at, now)
            self.assertGreaterEqual(len(article.body), 4)

    def test_some_articles_carry_material_updates(self):
        updated = ArticlePage.objects.filter(updated_at__isnull=False)
        self.assertGreaterEqual(updated.count(), 3)
        for article in updated:
            update = ArticleUpdate.objects.get(article=article)
            self.assertEqual(update.published_at, article.updated_at)
            self.assertGreater(article.updated_at, article.first_published_at)

    def test_the_newsroom_desk_has_something_to_show(self):
        """A live blog, a topic with its timeline, a correction and an old story with stale claims."""
        live_blog = LiveBlogPage.objects.live().get()
        self.assertTrue(live_blog.is_open)
        entries = list(live_blog.entries.all())
        self.assertGreaterEqual(len(entries), 5)
        self.assertTrue(any(entry.pinned for entry in entries))
        self.assertTrue(all(entry.author_id and entry.posted_at <= timezone.now() for entry in entries))
        topic = TopicPage.objects.live().get()
        self.assertIn(live_blog.pk, topic.stories.values_list("pk", flat=True))
        self.assertGreaterEqual(topic.stories.count(), 5)
        self.assertTrue(all(event.page_id for event in topic.timeline.all()))
        self.assertEqual(ArticleCorrection.objects.filter(article__live=True).count(), 1)
        old = ArticlePage.objects.get(slug="caspian-states-plan-common-ferry-safety-rules")
        self.assertLess(old.first_published_at, timezone.now() - timedelta(days=365))
        stale = DatedClaim.objects.filter(resolves_on__lt=timezone.localdate())
        self.assertEqual(set(stale.values_list("article", flat=True)), {old.pk})
        self.assertIn("14 March", " ".join(stale.values_list("sentence", flat=True)))

    def test_must_read_is_curated(self):
        picks = MustReadPick.objects.filter(page=HomePage.objects.get()).order_by("sort_order")
        self.assertEqual(picks.count(), 5)
        self.assertEqual(len({pick.article_id for pick in picks}), 5)

    def test_readers_comments_are_loaded_mostly_approved(self):
        by_status = dict(Comment.objects.values_list("status").annotate(n=Count("pk")))
        self.assertGreaterEqual(by_status[Status.APPROVED], 25)
        self.assertGreaterEqual(by_status[Status.PENDING], 2, "the moderation queue has work in it")
        self.assertEqual(by_status[Status.SPAM], 1)
        self.assertNotIn(Status.TRASH, by_status)
        self.assertLessEqual(sum(by_status.values()), 45)
        articles = ArticlePage.objects.filter(comments__isnull=False).distinct()
        self.assertTrue(8 <= articles.count() <= 10, articles.count())
        self.assertTrue(Comment.objects.filter(status=Status.PENDING, parent__isnull=False).exists())

    def test_comments_are_threaded_two_and_three_levels_deep(self):
        replies = Comment.objects.filter(parent__isnull=False).select_related("parent")
        self.assertGreaterEqual(replies.count(), 10)
        self.assertGreaterEqual(replies.filter(parent__parent__isnull=False).count(), 3)
        self.assertFalse(replies.filter(parent__parent__parent__isnull=False).exists())
        for reply in replies:
            self.assertEqual(reply.article_id, reply.parent.article_id, reply)
            self.assertGreater(reply.created_at, reply.parent.created_at, reply)
            self.assertEqual(reply.parent.status, Status.APPROVED, reply)

    def test_comments_come_after_publication_from_example_addresses(self):
        now = timezone.now()
        for comment in Comment.objects.select_related("article"):
            self.assertGreater(comment.created_at, comment.article.first_published_at, comment)
            self.assertLess(comment.created_at, now, comment)
            self.assertRegex(comment.author_email, r"@([a-z0-9-]+\.)*example\.(org|net|com)$")
            if comment.author_url:
                self.assertRegex(comment.author_url, r"^https?://([a-z0-9-]+\.)*example\.(org|net|com)/")
            for address in re.findall(r"(?:https?://|www\.)[^\s/]+", comment.body):
                self.assertRegex(address, r"example\.(org|net|com)$")
            self.assertTrue(comment.ip_address)
        self.assertGreaterEqual(Comment.objects.exclude(author_url="").count(), 3)
        authors = set(Comment.objects.values_list("author_name", flat=True))
        self.assertGreaterEqual(len(authors), 20)

    def test_comment_counts_match_the_approved_comments(self):
        articles = ArticlePage.objects.annotate(approved=Count("comments", filter=Q(comments__status=Status.APPROVED)))
        for article in articles:
            self.assertEqual(article.comment_count, article.approved, article.slug)
        self.assertGreaterEqual(articles.filter(comment_count__gt=0).count(), 8)

    def test_site_is_configured_as_the_caspian_times(self):
        site = Site.objects.get(is_default_site=True)
        self.assertEqual(site.site_name, "The Caspian Times")
        self.assertEqual(site.root_page.title, "The Caspian Times")
        self.assertEqual(PublicationSettings.for_site(site).time_zone, "Europe/Berlin")
        masthead = MastheadSettings.for_site(site)
        self.assertEqual(masthead.weather_location.city, "Munich")
        about = StandardPage.objects.get(slug="about")
        self.assertTrue(about.live and about.show_in_menus)
        self.assertIn("independent", about.introduction.lower() + str(about.body).lower())

    def test_progress_is_reported(self):
        self.assertEqual(self.steps[-1], (self.count, self.count, "articles"))

    def test_loading_again_changes_nothing(self):
        comments = Comment.objects.count()
        with self.assertRaises(loader.AlreadyLoaded):
            loader.load(prepare_images=False)
        self.assertEqual(ArticlePage.objects.count(), self.count)
        self.assertEqual(Comment.objects.count(), comments)


@pytest.mark.pure
class CommentClockTests(SimpleTestCase):
    def test_comments_on_a_fresh_article_are_squeezed_in_order_before_now(self):
        now = timezone.now()
        published = now - timedelta(minutes=30)
        items = [{"after": "40m", "replies": [{"after": "1d2h"}]}, {"after": "4h"}]
        clock = loader._CommentClock(published, now, items)
        times = [clock.at(after) for after in ("40m", "4h", "1d2h")]
        self.assertEqual(times, sorted(times))
        self.assertTrue(published < times[0] and times[-1] < now)

    def test_older_articles_keep_the_written_times(self):
        now = timezone.now()
        published = now - timedelta(days=10)
        clock = loader._CommentClock(published, now, [{"after": "1d4h"}])
        self.assertEqual(clock.at("2h15m"), published + timedelta(hours=2, minutes=15))
        with self.assertRaises(ValueError):
            clock.at("soon")
