"""The pluggable spam check, with an Akismet-compatible service on 127.0.0.1."""

import pytest
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from caspian.comments import moderation, spam
from caspian.comments.models import Comment, SpamVerdict, Status
from caspian.comments.tasks import check_spam
from caspian.newsroom.models import ArticlePage

from .helpers import CommentsTestCase, post


@override_settings(COMMENTS_MODERATION="post")
class AkismetTests(CommentsTestCase):
    @pytest.fixture(autouse=True)
    def _services(self, akismet, settings):
        self.akismet = akismet
        # Production's setting: the remote check is queued for `caspian worker`.
        settings.TASKS_BACKEND = "database"
        settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

    def post_and_queue(self, **fields):
        with self.captureOnCommitCallbacks(execute=True):
            post(self.client, self.article, HTTP_USER_AGENT="Mozilla/5.0 (test)", **fields)
        return Comment.objects.latest("pk")

    def run_worker(self):
        for result in DBTaskResult.objects.filter(task_path__endswith="check_spam", status="READY"):
            check_spam.call(*result.args_kwargs["args"])

    def test_the_check_is_queued_not_made_while_the_reader_waits(self):
        comment = self.post_and_queue()
        self.assertEqual(self.akismet.requests, [])
        self.assertEqual(DBTaskResult.objects.filter(task_path__endswith="check_spam").count(), 1)
        self.assertEqual(comment.status, Status.APPROVED)
        self.run_worker()
        path, fields = self.akismet.requests[0]
        self.assertEqual(path, "/1.1/comment-check")
        self.assertEqual(fields["api_key"], "test-key")
        self.assertEqual(fields["comment_content"], comment.body)
        self.assertEqual(fields["comment_author_email"], "leyla@example.org")
        self.assertEqual(fields["user_ip"], "198.51.100.7")
        self.assertEqual(fields["user_agent"], "Mozilla/5.0 (test)")
        self.assertTrue(fields["permalink"].endswith(self.article.url))
        comment.refresh_from_db()
        self.assertEqual((comment.status, comment.spam_verdict), (Status.APPROVED, SpamVerdict.HAM))

    def test_spam_is_taken_off_the_page(self):
        self.akismet.mode = "spam"
        comment = self.post_and_queue()
        self.assertEqual(ArticlePage.objects.get(pk=self.article.pk).comment_count, 1)
        self.run_worker()
        comment.refresh_from_db()
        self.assertEqual((comment.status, comment.spam_verdict), (Status.SPAM, SpamVerdict.SPAM))
        self.assertEqual(ArticlePage.objects.get(pk=self.article.pk).comment_count, 0)

    def test_when_the_service_is_down_or_refuses_the_key_the_comment_waits(self):
        for mode in ("error", "invalid"):
            with self.subTest(mode=mode):
                self.akismet.mode = mode
                comment = self.post_and_queue(comment=f"Checked while the service says {mode}.")
                with self.assertLogs("caspian.comments.moderation", "WARNING"):
                    self.run_worker()
                comment.refresh_from_db()
                self.assertEqual((comment.status, comment.spam_verdict), (Status.PENDING, SpamVerdict.ERROR))
                self.assertIn("check it by hand", comment.reason)
                DBTaskResult.objects.all().delete()

    def test_a_moderator_acting_while_the_service_is_asked_wins(self):
        comment = self.post_and_queue()
        in_flight = Comment.objects.get(pk=comment.pk)  # what the worker loaded before asking
        moderation.set_status([comment.pk], Status.TRASH)
        moderation.set_status([comment.pk], Status.APPROVED)
        moderation.apply_verdict(in_flight, spam.Verdict.SPAM)
        comment.refresh_from_db()
        self.assertEqual((comment.status, comment.spam_verdict), (Status.APPROVED, SpamVerdict.SPAM))
        self.assertEqual(ArticlePage.objects.get(pk=self.article.pk).comment_count, 1)

    def test_the_service_never_overrides_a_moderator_or_approves(self):
        self.akismet.mode = "spam"
        comment = self.post_and_queue()
        moderation.set_status([comment.pk], Status.PENDING)
        moderation.set_status([comment.pk], Status.APPROVED)
        self.run_worker()
        comment.refresh_from_db()
        self.assertEqual((comment.status, comment.spam_verdict), (Status.APPROVED, SpamVerdict.SPAM))

    @override_settings(COMMENTS_MODERATION="pre")
    def test_ham_does_not_approve_a_held_comment(self):
        comment = self.post_and_queue()
        self.run_worker()
        comment.refresh_from_db()
        self.assertEqual((comment.status, comment.spam_verdict), (Status.PENDING, SpamVerdict.HAM))

    def test_moderators_corrections_are_reported_to_the_service(self):
        from caspian.comments.tasks import report_to_spam_service

        comment = self.post_and_queue()
        with self.captureOnCommitCallbacks(execute=True):
            moderation.set_status([comment.pk], Status.SPAM)
        queued = DBTaskResult.objects.get(task_path__endswith="report_to_spam_service")
        report_to_spam_service.call(*queued.args_kwargs["args"])
        self.assertEqual(self.akismet.requests[-1][0], "/1.1/submit-spam")


class HeuristicTests(CommentsTestCase):
    def check(self, **fields):
        fields.setdefault("body", "A fair point about the ferry timetable.")
        fields.setdefault("author_name", "Anar")
        return spam.get_backend().check(Comment(**fields))

    def test_plain_comments_pass(self):
        self.assertIs(self.check(), spam.Verdict.HAM)

    def test_link_markup_and_link_piles_are_spam(self):
        self.assertIs(self.check(body='<a href="https://x.example">deal</a>'), spam.Verdict.SPAM)
        self.assertIs(self.check(body="[url=https://x.example]deal[/url]"), spam.Verdict.SPAM)
        self.assertIs(self.check(body=" ".join(f"https://x{n}.example" for n in range(6))), spam.Verdict.SPAM)

    def test_a_web_address_as_name_is_unsure(self):
        self.assertIs(self.check(author_name="www.cheap.example"), spam.Verdict.UNSURE)


class ConfigurationCheckTests(CommentsTestCase):
    def test_a_spam_backend_that_cannot_be_imported_is_found_at_startup(self):
        from django.core.checks import run_checks

        with override_settings(COMMENTS_SPAM_BACKEND="caspian.comments.spam.nowhere.Backend"):
            [error] = [m for m in run_checks() if m.id == "caspian.comments.E001"]
        self.assertIn("COMMENTS_SPAM_BACKEND='caspian.comments.spam.nowhere.Backend' cannot be imported", error.msg)
        with override_settings(COMMENTS_SPAM_BACKEND="caspian.comments.spam.akismet.AkismetBackend"):
            self.assertIn("caspian.comments.W001", [m.id for m in run_checks()])
        self.assertEqual([m for m in run_checks() if m.id.startswith("caspian.comments")], [])
