"""Moderation modes, the blocklist, reader reports, closing, and what a status change sets off."""

from datetime import timedelta

from django.test import override_settings
from django.utils import timezone

from caspian.comments import moderation
from caspian.comments.models import BlockRule, Comment, Status
from caspian.comments.signals import comments_changed
from caspian.newsroom.models import ArticlePage

from ..newsroom.scenario import html
from .helpers import CommentsTestCase, post


class ModerationModeTests(CommentsTestCase):
    def posted(self, **fields):
        post(self.client, self.article, **fields)
        return Comment.objects.latest("pk")

    def test_pre_moderation_holds_everything_by_default(self):
        self.comment(approved=True, author_email="leyla@example.org")
        self.assertEqual(self.posted().status, Status.PENDING)

    @override_settings(COMMENTS_MODERATION="post")
    def test_post_moderation_shows_at_once_and_can_remove(self):
        comment = self.posted()
        self.assertEqual(comment.status, Status.APPROVED)
        moderation.set_status([comment.pk], Status.TRASH)
        self.assertNotIn(comment.body, self.get(self.article).content.decode())
        self.assertEqual(ArticlePage.objects.get(pk=self.article.pk).comment_count, 0)

    @override_settings(COMMENTS_MODERATION="trusted")
    def test_trusted_approves_only_commenters_approved_before(self):
        self.assertEqual(self.posted().status, Status.PENDING)
        self.comment(approved=True, author_email="Returning@Example.org")
        self.assertEqual(self.posted(email="returning@example.org", comment="Back again.").status, Status.APPROVED)
        self.comment(spam=True, author_email="spammer@example.org")
        self.assertEqual(self.posted(email="spammer@example.org", comment="Hi.").status, Status.PENDING)

    @override_settings(COMMENTS_MODERATION="post", COMMENTS_MAX_LINKS=2)
    def test_too_many_links_are_held_in_every_mode(self):
        comment = self.posted(comment="See https://a.example https://b.example and www.c.example")
        self.assertEqual((comment.status, comment.reason), (Status.PENDING, "3 links (more than 2)."))
        self.assertEqual(self.posted(comment="Only https://a.example and https://b.example").status, Status.APPROVED)

    @override_settings(COMMENTS_MODERATION="post")
    def test_the_local_spam_check_catches_link_markup(self):
        comment = self.posted(comment='Great post <a href="https://pills.example">cheap</a>')
        self.assertEqual(comment.status, Status.SPAM)
        self.assertEqual(self.posted(author="https://casino.example", comment="Nice.").status, Status.PENDING)


class BlocklistTests(CommentsTestCase):
    def assert_blocked(self, **fields):
        post(self.client, self.article, **fields)
        comment = Comment.objects.latest("pk")
        self.assertEqual(comment.status, Status.SPAM, fields)
        self.assertTrue(comment.reason.startswith("Blocked"), comment.reason)
        return comment

    @override_settings(COMMENTS_MODERATION="post", COMMENTS_RATE_LIMIT="50/minute")
    def test_words_emails_domains_and_networks(self):
        BlockRule.objects.create(kind="word", value="Cheap Pills")
        BlockRule.objects.create(kind="email", value="troll@example.net")
        BlockRule.objects.create(kind="email", value="@spam.example")
        BlockRule.objects.create(kind="ip", value="198.51.100.0/24")
        self.assert_blocked(comment="buy CHEAP pills now", email="a@example.org")
        self.assert_blocked(comment="One.", email="Troll@Example.net")
        self.assert_blocked(comment="Two.", email="anyone@spam.example")
        BlockRule.objects.filter(kind="word").delete()
        self.assert_blocked(comment="Three.", email="fine@example.org")  # 198.51.100.7 is in the network
        BlockRule.objects.all().delete()
        post(self.client, self.article, comment="Four.", email="fine@example.org")
        self.assertEqual(Comment.objects.latest("pk").status, Status.APPROVED)
        # The reader is told nothing different: a blocked sender learns nothing.
        self.assertEqual(
            post(self.client, self.article, comment="Five.", email="x@example.org")["Location"],
            f"{self.article.url}?comments=1#comment-{Comment.objects.latest('pk').pk}",
        )

    def test_rules_check_their_values(self):
        from django.core.exceptions import ValidationError

        for kind, value in (("ip", "not-an-ip"), ("email", "nobody")):
            with self.subTest(kind=kind), self.assertRaises(ValidationError):
                BlockRule(kind=kind, value=value).full_clean()


class ReportTests(CommentsTestCase):
    def report(self, comment, ip):
        return self.client.post(f"/comments/{comment.pk}/report/", REMOTE_ADDR=ip)

    @override_settings(COMMENTS_FLAG_THRESHOLD=3)
    def test_reports_past_the_threshold_send_a_comment_back_to_the_queue(self):
        comment = self.comment(approved=True)
        moderation.recount([self.article.pk])
        response = self.report(comment, "192.0.2.1")
        self.assertEqual(response["Location"], f"{self.article.url}#comment-reported")
        self.report(comment, "192.0.2.1")  # the same reader again does not count
        self.report(comment, "192.0.2.2")
        comment.refresh_from_db()
        self.assertEqual((comment.flag_count, comment.status), (2, Status.APPROVED))
        self.report(comment, "192.0.2.3")
        comment.refresh_from_db()
        self.assertEqual((comment.status, comment.reason), (Status.PENDING, "Reported by readers 3 times."))
        self.assertNotIn(comment.body, self.get(self.article).content.decode())
        self.assertEqual(ArticlePage.objects.get(pk=self.article.pk).comment_count, 0)

        # A moderator approves it again: the reports so far are answered, new ones count afresh.
        moderation.set_status([comment.pk], Status.APPROVED)
        self.report(comment, "192.0.2.4")
        comment.refresh_from_db()
        self.assertEqual((comment.status, comment.flag_count, comment.reason), (Status.APPROVED, 1, ""))

    def test_only_shown_comments_can_be_reported(self):
        self.assertEqual(self.report(self.comment(held=True), "192.0.2.1").status_code, 404)
        self.assertEqual(self.client.get(f"/comments/{self.comment(approved=True).pk}/report/").status_code, 405)

    def test_every_shown_comment_has_a_report_button(self):
        comment = self.comment(approved=True)
        form = html(self.get(self.article)).select_one(f"#comment-{comment.pk} form.comment__report")
        self.assertEqual((form["method"], form["action"]), ("post", f"/comments/{comment.pk}/report/"))
        self.assertEqual(form.select("input"), [])  # nothing per reader: the page is shared


class ClosingTests(CommentsTestCase):
    @override_settings(COMMENTS_CLOSE_AFTER_DAYS=14)
    def test_comments_close_after_the_configured_days(self):
        old = self.articles[1]
        ArticlePage.objects.filter(pk=old.pk).update(first_published_at=timezone.now() - timedelta(days=15))
        page = html(self.get(old))
        self.assertEqual(
            page.select_one(".comments__closed").get_text(),
            "Comments are closed: this article is more than 14 days old.",
        )
        self.assertIsNone(page.select_one("#commentform"))
        self.assertNotIn("Leave a reply", page.select_one("#comments").get_text())
        self.assertEqual(post(self.client, old).status_code, 403)
        self.assertIsNotNone(html(self.get(self.article)).select_one("#commentform"))

    @override_settings(COMMENTS_CLOSE_AFTER_DAYS=0)
    def test_zero_days_never_closes(self):
        ArticlePage.objects.filter(pk=self.article.pk).update(first_published_at=timezone.now() - timedelta(days=900))
        self.assertEqual(post(self.client, self.article).status_code, 302)


class StatusChangeTests(CommentsTestCase):
    def setUp(self):
        self.changed = []
        handler = lambda sender, article_ids, **kw: self.changed.append(sorted(article_ids))  # noqa: E731
        comments_changed.connect(handler, weak=False, dispatch_uid="test-comments-changed")
        self.addCleanup(comments_changed.disconnect, dispatch_uid="test-comments-changed")

    def test_the_page_cache_hears_of_every_change_readers_see_and_only_those(self):
        comment = self.comment(held=True)
        moderation.set_status([comment.pk], Status.SPAM)
        self.assertEqual(self.changed, [])
        moderation.set_status([comment.pk], Status.APPROVED)
        moderation.set_status([comment.pk], Status.TRASH)
        self.assertEqual(self.changed, [[self.article.pk], [self.article.pk]])

    def test_bulk_changes_count_once_per_article_and_record_the_moderator(self):
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.create_user("mod")
        comments = [self.comment(held=True), self.comment(held=True), self.comment(article=self.articles[1])]
        self.assertEqual(moderation.set_status([c.pk for c in comments], Status.APPROVED, user), 3)
        self.assertEqual(self.changed, [sorted([self.article.pk, self.articles[1].pk])])
        counts = dict(
            ArticlePage.objects.filter(pk__in=[self.article.pk, self.articles[1].pk]).values_list("pk", "comment_count")
        )
        self.assertEqual(counts, {self.article.pk: 2, self.articles[1].pk: 1})
        self.assertEqual(set(Comment.objects.values_list("moderated_by", flat=True)), {user.pk})
        self.assertEqual(moderation.set_status([c.pk for c in comments], Status.APPROVED, user), 0)

    def test_republishing_an_article_keeps_its_comment_count(self):
        revision = ArticlePage.objects.get(pk=self.article.pk).save_revision()
        moderation.set_status([self.comment(held=True).pk], Status.APPROVED)
        revision.publish()  # a revision saved before the comment was approved
        self.assertEqual(ArticlePage.objects.get(pk=self.article.pk).comment_count, 1)


class RetentionTests(CommentsTestCase):
    @override_settings(COMMENTS_IP_RETENTION_DAYS=30)
    def test_ip_addresses_are_forgotten_after_the_retention_period(self):
        from io import StringIO

        from django.core.management import call_command

        old = self.comment(created_at=timezone.now() - timedelta(days=31), user_agent="Firefox")
        recent = self.comment(created_at=timezone.now() - timedelta(days=29))
        out = StringIO()
        call_command("purge_comment_ips", stdout=out)
        self.assertEqual(out.getvalue().strip(), "Forgot the IP address of 1 comment over 30 days old.")
        old.refresh_from_db()
        recent.refresh_from_db()
        self.assertEqual((old.ip_address, old.user_agent), (None, ""))
        self.assertEqual(recent.ip_address, "203.0.113.10")
        self.assertEqual(Comment.objects.count(), 2)  # the comments stay


class EmbeddedHousekeepingTests(CommentsTestCase):
    """Without a worker, the comment views see to it that old IP addresses are forgotten."""

    def test_posting_a_comment_forgets_old_addresses_at_most_hourly(self):
        old = self.comment(created_at=timezone.now() - timedelta(days=45))
        post(self.client, self.article)
        old.refresh_from_db()
        self.assertIsNone(old.ip_address)
        older = self.comment(created_at=timezone.now() - timedelta(days=60))
        post(self.client, self.article, comment="Within the hour: no housekeeping again.")
        older.refresh_from_db()
        self.assertEqual(older.ip_address, "203.0.113.10")
