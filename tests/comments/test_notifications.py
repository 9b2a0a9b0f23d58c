"""Comment emails over a real SMTP server: moderators on a new comment, commenters on a reply.

Emails leave after the database commit, from a background thread; each
test runs the commit callbacks, waits for that thread and then reads what
the local SMTP server received.
"""

import re
import socket
import time
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import signing
from django.test import Client, override_settings
from django.urls import reverse

from caspian.comments import moderation
from caspian.comments.models import BlockRule, Comment, Status
from caspian.comments.notifications import email_from_token

from ..newsroom.scenario import html
from .helpers import CommentsTestCase, finish_background_work, post

BASE_URL = "https://news.example.org"
URL = re.compile(r"https?://\S+")


class NotificationTestCase(CommentsTestCase):
    @pytest.fixture(autouse=True)
    def _smtp(self, smtp_server):
        self.smtp = smtp_server

    def run_and_send(self, action, *args, **kwargs):
        """Do ``action`` as in a request, commit, and wait until its emails have left."""
        with self.captureOnCommitCallbacks(execute=True):
            result = action(*args, **kwargs)
        finish_background_work()
        return result

    def received(self, count):
        """Exactly the ``count`` messages the mail server received: ``[(recipients, message)]``."""
        messages = self.smtp.wait_for(count, timeout=10)
        self.assertEqual(len(messages), count, [m["Subject"] for _, m in messages])
        return messages

    def assert_nothing_sent(self):
        finish_background_work()
        self.assertEqual(self.smtp.messages, [])

    @staticmethod
    def header(message, name):
        """A header's value, unfolded (the mail library puts a long one on a line of its own)."""
        return message[name].strip()

    @staticmethod
    def text(message):
        """The body of a plain-text message, with the line ends it had before SMTP made them CRLF."""
        return message.get_content().replace("\r\n", "\n")

    @classmethod
    def links(cls, message):
        return URL.findall(cls.text(message))

    @staticmethod
    def path(url):
        """The path of a link in an email, checked to be on the public site."""
        assert url.startswith(settings.BASE_URL + "/"), url
        return urlsplit(url).path

    @staticmethod
    def make_user(username, email, *groups, **fields):
        user = get_user_model().objects.create_user(username, email, "pw", **fields)
        user.groups.add(*(Group.objects.get(name=name) for name in groups))
        return user


@override_settings(BASE_URL=BASE_URL)
class NewCommentEmailTests(NotificationTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.mina = cls.make_user("mina", "mina@newsroom.example", "Moderator")
        cls.omar = cls.make_user("omar", "omar@newsroom.example", "Moderator", "Editor")
        cls.make_user("gone", "gone@newsroom.example", "Moderator", is_active=False)
        cls.make_user("no-email", "", "Moderator")
        cls.make_user("reporter", "reporter@newsroom.example", "Reporter")
        cls.make_user("reader", "reader@example.org")
        get_user_model().objects.create_superuser("boss", "boss@newsroom.example", "pw")

    def post_comment(self, **fields):
        response = self.run_and_send(post, self.client, self.article, **fields)
        self.assertEqual(response.status_code, 302)
        return Comment.objects.latest("pk")

    def test_a_held_comment_emails_each_active_moderator_with_an_address_once(self):
        comment = self.post_comment(
            comment="Tom & Jerry's <b>ferry</b> figures\nare wrong.", author="Rustam Aliyev", email="rustam@example.org"
        )
        # One message per moderator: they don't see each other's addresses.
        messages = self.received(2)
        self.assertEqual(sorted(r for r, _ in messages), [["mina@newsroom.example"], ["omar@newsroom.example"]])
        self.assertEqual(messages[0][1].get_content(), messages[1][1].get_content())
        message = messages[0][1]
        self.assertEqual(self.header(message, "To"), messages[0][0][0])
        self.assertEqual(self.header(message, "Subject"), f"Comment waiting for approval on “{self.article.title}”")
        self.assertEqual(self.header(message, "From"), settings.DEFAULT_FROM_EMAIL)
        self.assertEqual(message.get_content_type(), "text/plain")
        self.assertFalse(message.is_multipart())
        body = self.text(message)
        self.assertTrue(body.startswith(f"A comment is waiting for approval on “{self.article.title}”."))
        self.assertIn("Rustam Aliyev <rustam@example.org> wrote (quoted as received):", body)
        # As written (plain text, not HTML), quoted so it cannot pass for our own lines.
        self.assertIn("> Tom & Jerry's <b>ferry</b> figures\n> are wrong.", body)
        self.assertIn("IP address: 198.51.100.7", body)
        self.assertIn(f"Approve: {BASE_URL}/admin/comments/{comment.pk}/approve/\n", body)
        self.assertIn(f"Mark as spam: {BASE_URL}/admin/comments/{comment.pk}/spam/\n", body)
        self.assertIn(f"Article: {self.article.get_full_url()}\n", body)
        self.assertNotIn("The comment on the site", body)  # held: readers cannot see it yet
        self.assertIn(f"All comments waiting: {BASE_URL}/admin/comments/\n", body)

    @override_settings(COMMENTS_MODERATION="post")
    def test_a_comment_shown_at_once_is_announced_with_only_a_spam_link(self):
        comment = self.post_comment()
        [(_, message), _] = self.received(2)
        self.assertEqual(self.header(message, "Subject"), f"New comment on “{self.article.title}”")
        body = self.text(message)
        self.assertTrue(body.startswith(f"A new comment is shown on “{self.article.title}”."))
        self.assertIn(f"Mark as spam: {BASE_URL}/admin/comments/{comment.pk}/spam/", body)
        self.assertNotIn("/approve/", body)
        self.assertIn(f"The comment on the site: {self.article.get_full_url()}?comments=1#comment-{comment.pk}\n", body)

    def test_a_double_submit_emails_once(self):
        self.post_comment()
        self.post_comment()
        self.assertEqual(Comment.objects.count(), 1)
        self.received(2)

    @override_settings(COMMENTS_NOTIFY_MODERATORS=False)
    def test_nothing_is_sent_when_moderator_emails_are_off(self):
        self.post_comment()
        self.assertEqual(Comment.objects.get().status, Status.PENDING)
        self.assert_nothing_sent()

    def test_spam_is_not_announced(self):
        bot = self.post_comment(homepage="http://cheap-watches.example/")
        self.assertEqual(bot.status, Status.SPAM)
        self.assert_nothing_sent()

        BlockRule.objects.create(kind=BlockRule.Kind.WORD, value="casino")
        blocked = self.post_comment(comment="Best casino bonuses here.", email="other@example.org")
        self.assertEqual(blocked.status, Status.SPAM)
        self.assert_nothing_sent()

    def test_nobody_to_tell_sends_nothing(self):
        Group.objects.get(name="Moderator").user_set.clear()
        self.post_comment()
        self.assert_nothing_sent()

    def test_a_mail_server_that_is_down_loses_no_comment(self):
        with socket.socket() as probe:  # a port nothing listens on
            probe.bind(("127.0.0.1", 0))
            closed_port = probe.getsockname()[1]
        with self.settings(EMAIL_PORT=closed_port), self.assertLogs("caspian.background", "ERROR") as logs:
            response = self.run_and_send(post, self.client, self.article, comment="Kept despite the mail server.")

        self.assertEqual(response.status_code, 302)
        self.assertEqual(response["Location"], f"{self.article.url}#comment-held")
        comment = Comment.objects.get()
        self.assertEqual((comment.body, comment.status), ("Kept despite the mail server.", Status.PENDING))
        self.assertIn("Background task send_email failed", logs.output[0])
        self.assertEqual(self.smtp.messages, [])


@override_settings(BASE_URL=BASE_URL)
class ModerationLinkTests(NotificationTestCase):
    """The approve and spam links in a moderator's email, followed as a browser would."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.moderator = cls.make_user("mina", "mina@newsroom.example", "Moderator")

    def setUp(self):
        response = self.run_and_send(post, self.client, self.article, author="Rustam Aliyev")
        self.assertEqual(response.status_code, 302)
        self.held = Comment.objects.get()
        [(_, message)] = self.received(1)
        links = self.links(message)
        self.approve = self.path(next(link for link in links if link.endswith("/approve/")))
        self.spam = self.path(next(link for link in links if link.endswith("/spam/")))
        self.assertEqual(self.approve, f"/admin/comments/{self.held.pk}/approve/")
        self.assertEqual(self.spam, f"/admin/comments/{self.held.pk}/spam/")

    def status(self):
        return Comment.objects.get(pk=self.held.pk).status

    def test_anonymous_readers_are_sent_to_the_admin_login(self):
        for link in (self.approve, self.spam):
            for method in (Client().get, Client().post):
                response = method(link)
                self.assertEqual(response.status_code, 302)
                login = urlsplit(response["Location"])
                self.assertEqual(login.path, reverse("wagtailadmin_login"))
                self.assertIn(f"next={link}", response["Location"].replace("%2F", "/"))
        self.assertEqual(self.status(), Status.PENDING)

    def test_a_moderator_confirms_then_approves(self):
        browser = Client(enforce_csrf_checks=True)
        browser.force_login(self.moderator)
        self.assertFalse(self.moderator.is_superuser)

        confirm = browser.get(self.approve)
        self.assertEqual(confirm.status_code, 200)
        page = html(confirm)
        self.assertIn("Approve this comment?", page.get_text())
        self.assertIn(self.held.body, page.get_text())
        self.assertEqual(self.status(), Status.PENDING)  # following the link changes nothing

        self.assertEqual(browser.post(self.approve).status_code, 403)  # no CSRF token, no change
        self.assertEqual(self.status(), Status.PENDING)

        token = page.select_one("form[method=post] input[name=csrfmiddlewaretoken]")["value"]
        response = browser.post(self.approve, {"csrfmiddlewaretoken": token})
        self.assertRedirects(
            response, reverse("comments_admin:detail", args=[self.held.pk]), fetch_redirect_response=False
        )
        approved = Comment.objects.get(pk=self.held.pk)
        self.assertEqual((approved.status, approved.moderated_by), (Status.APPROVED, self.moderator))

    def test_a_moderator_marks_spam_from_the_email(self):
        self.client.force_login(self.moderator)
        self.assertEqual(self.client.get(self.spam).status_code, 200)
        self.assertEqual(self.status(), Status.PENDING)
        self.client.post(self.spam)
        self.assertEqual(self.status(), Status.SPAM)

    def test_users_without_the_permission_are_refused(self):
        reporter = self.make_user("reporter", "reporter@newsroom.example", "Reporter")
        reader = self.make_user("reader", "reader@example.org")
        for user in (reporter, reader):
            browser = Client()
            browser.force_login(user)
            for link in (self.approve, self.spam):
                for method in (browser.get, browser.post):
                    response = method(link)
                    self.assertEqual(response.status_code, 302, (user, link))
                    self.assertNotEqual(urlsplit(response["Location"]).path, link)
        self.assertEqual(self.status(), Status.PENDING)


@override_settings(BASE_URL=BASE_URL)
class ReplyEmailTests(NotificationTestCase):
    """No moderators here: the only emails are to commenters."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.moderator = cls.make_user("mina", "", "Moderator")  # no address: never emailed

    def setUp(self):
        # Leyla's comment, asking to hear about replies, approved by a moderator.
        self.run_and_send(
            post, self.client, self.article, author="Leyla Mammadova", email="leyla@example.org", notify_replies="on"
        )
        self.parent = Comment.objects.get()
        # Addresses aren't verified when people comment: reply emails wait for the address to confirm.
        self.assertFalse(self.parent.notify_replies)
        [(recipients, message)] = self.received(1)
        self.assertEqual(recipients, ["leyla@example.org"])
        self.confirm = self.path(next(link for link in self.links(message) if "/comments/replies/" in link))
        self.smtp.messages.clear()
        self.assertIn("Email leyla@example.org when someone replies", html(self.client.get(self.confirm)).get_text())
        self.client.post(self.confirm)
        self.parent.refresh_from_db()
        self.assertTrue(self.parent.notify_replies)
        self.run_and_send(moderation.set_status, [self.parent.pk], Status.APPROVED, self.moderator)
        self.assert_nothing_sent()

    def reply(self, to=None, **fields):
        fields.setdefault("author", "Rustam Aliyev")
        fields.setdefault("email", "rustam@example.org")
        fields.setdefault("comment", "The ferry figures are from the port authority.")
        response = self.run_and_send(post, self.client, self.article, parent=str((to or self.parent).pk), **fields)
        self.assertEqual(response.status_code, 302)
        reply = Comment.objects.latest("pk")
        self.assertEqual(reply.parent_id, (to or self.parent).pk)
        return reply

    def approve(self, reply):
        self.run_and_send(moderation.set_status, [reply.pk], Status.APPROVED, self.moderator)

    def test_an_approved_reply_emails_the_commenter_who_asked(self):
        reply = self.reply()
        self.assert_nothing_sent()  # held: nothing to read yet

        self.approve(reply)
        [(recipients, message)] = self.received(1)
        self.assertEqual(recipients, ["leyla@example.org"])
        self.assertEqual(self.header(message, "To"), "leyla@example.org")
        self.assertEqual(self.header(message, "Subject"), f"A reply to your comment on “{self.article.title}”")
        self.assertEqual(message.get_content_type(), "text/plain")
        body = self.text(message)
        self.assertIn("Hello Leyla Mammadova,", body)
        self.assertIn(f"Rustam Aliyev replied to your comment on “{self.article.title}”:", body)
        self.assertIn(f"> {reply.body}", body)
        self.assertIn(f"Read it and reply: {self.article.get_full_url()}?comments=1#comment-{reply.pk}\n", body)
        self.assertNotIn("rustam@example.org", body)  # a commenter's address is never shown to another

        # The link is signed with the time it was made: read it back rather than make it again.
        unsubscribe = re.search(r"\nStop these emails: (\S+)\n", body).group(1)
        token = unsubscribe.removeprefix(f"{BASE_URL}/comments/unsubscribe/").removesuffix("/")
        self.assertEqual(unsubscribe, f"{BASE_URL}/comments/unsubscribe/{token}/")
        self.assertEqual(email_from_token(token), "leyla@example.org")
        self.assertEqual(self.header(message, "List-Unsubscribe"), f"<{unsubscribe}>")

    def test_the_email_is_sent_once_however_often_the_reply_is_approved(self):
        reply = self.reply()
        self.approve(reply)
        self.received(1)
        for status in (Status.TRASH, Status.APPROVED, Status.PENDING, Status.SPAM, Status.APPROVED):
            self.run_and_send(moderation.set_status, [reply.pk], status, self.moderator)
        [(recipients, _)] = self.received(1)
        self.assertEqual(recipients, ["leyla@example.org"])

    def test_approving_from_the_admin_sends_it_too(self):
        reply = self.reply()
        moderator = self.make_user("omar", "", "Moderator")
        self.client.force_login(moderator)
        response = self.run_and_send(self.client.post, reverse("comments_admin:act", args=[reply.pk, "approve"]))
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Comment.objects.get(pk=reply.pk).status, Status.APPROVED)
        [(recipients, _)] = self.received(1)
        self.assertEqual(recipients, ["leyla@example.org"])

    @override_settings(COMMENTS_MODERATION="post")
    def test_a_reply_shown_at_once_emails_at_once(self):
        reply = self.reply()
        self.assertEqual(reply.status, Status.APPROVED)
        self.received(1)
        self.approve(reply)  # already approved: nothing more
        self.received(1)

    def test_an_address_that_confirmed_before_is_believed(self):
        self.run_and_send(
            post, self.client, self.article, email="leyla@example.org", comment="More.", notify_replies="on"
        )
        self.assertTrue(Comment.objects.latest("pk").notify_replies)
        self.assert_nothing_sent()

    def test_an_unconfirmed_address_gets_no_reply_emails(self):
        self.run_and_send(post, self.client, self.article, email="victim@example.org", notify_replies="on")
        unconfirmed = Comment.objects.latest("pk")
        self.received(1)  # the confirmation, which the owner of the address ignores
        self.run_and_send(moderation.set_status, [unconfirmed.pk], Status.APPROVED, self.moderator)
        self.approve(self.reply(to=unconfirmed))
        [(_, only_message)] = self.received(1)
        self.assertTrue(self.header(only_message, "Subject").startswith("Confirm reply emails"))

    def test_one_confirmation_a_day_per_address(self):
        for n in range(3):
            self.run_and_send(
                post, self.client, self.article, email="victim@example.org", comment=f"Number {n}", notify_replies="on"
            )
        [(recipients, _)] = self.received(1)
        self.assertEqual(recipients, ["victim@example.org"])

    def test_a_tampered_or_stale_confirmation_link_is_refused(self):
        from caspian.comments.notifications import CONFIRM_SALT

        class EightDaysAgo(signing.TimestampSigner):
            def timestamp(self):
                return signing.b62_encode(int(time.time()) - 8 * 86400)

        stale = EightDaysAgo(salt=CONFIRM_SALT).sign_object(self.parent.pk)
        for bad in (self.confirm.split("/")[-2] + "x", signing.dumps(self.parent.pk), stale):
            self.assertEqual(self.client.get(f"/comments/replies/{bad}/").status_code, 400)

    def test_no_email_to_a_commenter_who_did_not_ask(self):
        quiet = self.comment(approved=True, author_email="quiet@example.org", notify_replies=False)
        self.approve(self.reply(to=quiet))
        self.assert_nothing_sent()

    def test_no_email_for_replying_to_yourself(self):
        self.approve(self.reply(author="Leyla", email="Leyla@Example.org", comment="And one more thing."))
        self.assert_nothing_sent()

    def test_no_email_about_replies_to_a_comment_since_removed(self):
        removed = self.comment(approved=True, author_email="removed@example.org", notify_replies=True)
        reply = self.reply(to=removed)
        self.run_and_send(moderation.set_status, [removed.pk], Status.TRASH, self.moderator)
        self.approve(reply)
        self.assert_nothing_sent()

    def test_a_reply_trashed_before_approval_sends_nothing(self):
        reply = self.reply()
        self.run_and_send(moderation.set_status, [reply.pk], Status.TRASH, self.moderator)
        self.run_and_send(moderation.set_status, [reply.pk], Status.SPAM, self.moderator)
        self.assert_nothing_sent()

    def test_each_reply_approved_together_gets_its_own_email(self):
        replies = [self.reply(email=f"reader{n}@example.org", comment=f"Reply number {n}.") for n in range(3)]
        self.run_and_send(moderation.set_status, [r.pk for r in replies], Status.APPROVED, self.moderator)
        messages = self.received(3)
        self.assertEqual([recipients for recipients, _ in messages], [["leyla@example.org"]] * 3)
        bodies = sorted(
            next(line for line in self.text(m).splitlines() if line.startswith("> Reply")) for _, m in messages
        )
        self.assertEqual(bodies, ["> Reply number 0.", "> Reply number 1.", "> Reply number 2."])

    def test_a_mail_server_that_is_down_does_not_undo_the_approval(self):
        reply = self.reply()
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            closed_port = probe.getsockname()[1]
        with self.settings(EMAIL_PORT=closed_port), self.assertLogs("caspian.background", "ERROR"):
            self.approve(reply)
        self.assertEqual(Comment.objects.get(pk=reply.pk).status, Status.APPROVED)
        self.assertEqual(self.smtp.messages, [])


@override_settings(BASE_URL=BASE_URL)
class UnsubscribeTests(NotificationTestCase):
    def setUp(self):
        other_article = self.articles[1]
        self.leylas = [
            self.comment(approved=True, author_email="leyla@example.org", notify_replies=True),
            self.comment(approved=True, author_email="LEYLA@example.org", notify_replies=True),
            self.comment(article=other_article, held=True, author_email="leyla@example.org", notify_replies=True),
        ]
        self.rustam = self.comment(approved=True, author_email="rustam@example.org", notify_replies=True)
        reply = self.comment(parent=self.leylas[0], author_email="rustam@example.org")
        self.run_and_send(moderation.set_status, [reply.pk], Status.APPROVED)
        [(_, message)] = self.received(1)
        self.link = self.path(next(link for link in self.links(message) if "/unsubscribe/" in link))
        self.assertEqual(self.header(message, "List-Unsubscribe"), f"<{BASE_URL}{self.link}>")
        self.assertEqual(self.header(message, "List-Unsubscribe-Post"), "List-Unsubscribe=One-Click")

    def subscribed(self):
        return {c.pk: c.notify_replies for c in Comment.objects.filter(pk__in=[c.pk for c in self.leylas])}

    def test_following_the_link_asks_first_and_changes_nothing(self):
        response = self.client.get(self.link)
        self.assertEqual(response.status_code, 200)
        page = html(response)
        self.assertIn("Stop emails about replies to the comments of leyla@example.org?", page.get_text())
        self.assertIsNotNone(page.select_one("form[method=post] button[type=submit]"))
        self.assertEqual(set(self.subscribed().values()), {True})

    def test_confirming_stops_reply_emails_for_every_comment_of_that_address(self):
        browser = Client(enforce_csrf_checks=True)
        page = browser.get(self.link)
        self.assertEqual(page.cookies, {})  # a reader's page: no cookie, nothing per reader
        self.assertEqual(html(page).select("form[method=post] input"), [])

        response = browser.post(self.link, HTTP_SEC_FETCH_SITE="same-origin")

        self.assertEqual(response.status_code, 200)
        self.assertIn("Done: leyla@example.org will get no more emails", html(response).get_text())
        self.assertEqual(set(self.subscribed().values()), {False})
        self.assertTrue(Comment.objects.get(pk=self.rustam.pk).notify_replies)

        # Later replies to any of Leyla's comments send nothing.
        later = self.comment(parent=self.leylas[1], author_email="farid@example.org")
        self.run_and_send(moderation.set_status, [later.pk], Status.APPROVED)
        self.received(1)  # still only the first email

    def test_mail_programs_unsubscribe_in_one_click(self):
        """RFC 8058: the mail program POSTs to the link, with no cookie and no CSRF token."""
        response = Client(enforce_csrf_checks=True).post(
            self.link, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(set(self.subscribed().values()), {False})

    def test_a_tampered_link_is_refused(self):
        token = self.link.removeprefix("/comments/unsubscribe/").removesuffix("/")
        forged = [
            token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
            signing.dumps("leyla@example.org"),  # signed, but not for unsubscribing
            signing.dumps("leyla@example.org", salt="caspian.comments.unsubscribe", key="not-the-secret"),
            "leyla@example.org",
        ]
        for bad in forged:
            with self.subTest(token=bad):
                url = reverse("comments:unsubscribe", args=[bad])
                self.assertEqual(self.client.get(url).status_code, 400)
                response = self.client.post(url)
                self.assertEqual(response.status_code, 400)
                self.assertIn("This link is not valid.", html(response).get_text())
        self.assertEqual(set(self.subscribed().values()), {True})
