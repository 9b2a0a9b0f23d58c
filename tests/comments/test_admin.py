"""The moderation queue and the blocklist in the Wagtail admin."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from caspian.comments.models import BlockRule, Comment, Status

from ..newsroom.scenario import html
from .helpers import CommentsTestCase

QUEUE = reverse("comments_admin:queue")


class ModeratorTestCase(CommentsTestCase):
    def setUp(self):
        self.moderator = get_user_model().objects.create_user("moderator", "mod@example.org", "pw")
        self.moderator.groups.add(Group.objects.get(name="Moderator"))
        self.client.force_login(self.moderator)


class QueueTests(ModeratorTestCase):
    def test_the_queue_shows_pending_comments_with_article_email_and_ip(self):
        held = self.comment(held=True, author_name="Rustam Aliyev", author_email="rustam@example.org")
        self.comment(approved=True, body="Already approved.")
        page = html(self.client.get(QUEUE))
        rows = page.select("table.listing tbody tr")
        self.assertEqual(len(rows), 1)
        row_text = rows[0].get_text(" ")
        for expected in ("Rustam Aliyev", "rustam@example.org", "203.0.113.10", self.article.title, held.body):
            self.assertIn(expected, row_text)
        tabs = [a.get_text(strip=True) for a in page.select(".comment-tabs a")]
        self.assertEqual(tabs, ["Pending (1)", "Approved (1)", "Spam (0)", "Trash (0)"])

    def test_each_tab_lists_its_own_status(self):
        for status in Status.values:
            self.comment(status=status, body=f"A comment that is {status}.")
        for status in Status.values:
            text = html(self.client.get(f"{QUEUE}?status={status}")).select_one("table.listing").get_text()
            self.assertIn(f"A comment that is {status}.", text)
            self.assertEqual(text.count("A comment that is"), 1)

    def test_approve_spam_trash_and_restore_many_at_once(self):
        comments = [self.comment(held=True) for _ in range(4)]
        ids = [str(c.pk) for c in comments]
        response = self.client.post(f"{QUEUE}?status=pending", {"action": "approve", "comment": ids[:2]})
        self.assertRedirects(response, f"{QUEUE}?status=pending", fetch_redirect_response=False)
        self.client.post(QUEUE, {"action": "spam", "comment": ids[2]})
        self.client.post(QUEUE, {"action": "trash", "comment": ids[3]})
        statuses = lambda: [Comment.objects.get(pk=pk).status for pk in ids]  # noqa: E731
        self.assertEqual(statuses(), ["approved", "approved", "spam", "trash"])
        self.client.post(f"{QUEUE}?status=trash", {"action": "restore", "comment": ids})
        self.assertEqual(statuses(), ["pending"] * 4)
        messages = [str(m) for m in self.client.get(QUEUE).context["messages"]]
        self.assertEqual(messages[-1], "4 comments returned to the queue.")

    def test_each_row_has_its_own_actions_and_comes_back_to_the_queue(self):
        first, second = self.comment(held=True, author_name="Aru"), self.comment(held=True, author_name="Bek")
        url = f"{QUEUE}?status=pending&email=&p=1"
        page = html(self.client.get(url))
        row = page.find("input", attrs={"value": str(first.pk)}).find_parent("tr")
        buttons = {b.get_text(strip=True): b for b in row.select(".comment-actions button")}
        self.assertEqual(list(buttons), ["Approve", "Spam", "Trash"])
        self.assertEqual(buttons["Spam"]["aria-label"], "Spam: the comment by Aru")
        form = page.select_one(f"form#{buttons['Spam']['form']}")
        data = {field["name"]: field["value"] for field in form.select("input")}
        response = self.client.post(buttons["Spam"]["formaction"], data)
        self.assertRedirects(response, url, fetch_redirect_response=False)
        statuses = [Comment.objects.get(pk=c.pk).status for c in (first, second)]
        self.assertEqual(statuses, [Status.SPAM, Status.PENDING])

    def test_readers_reports_are_counted_once_as_they_stand(self):
        reported = self.comment(held=True, reason="Reported by readers 3 times.", flag_count=4)
        held = self.comment(held=True, reason="Held: the commenter is new.", flag_count=1)
        page = html(self.client.get(QUEUE))
        for comment, note in (
            (reported, "Reported by readers 4 times."),
            (held, "Held: the commenter is new. Reported by readers once."),
        ):
            row = page.find("input", attrs={"value": str(comment.pk)}).find_parent("tr")
            self.assertEqual([n.get_text(strip=True) for n in row.select(".help-text")][:1], [note])
            self.assertEqual(row.get_text().count("Reported"), 1)

    def test_a_bulk_post_without_choice_or_selection_explains(self):
        self.client.post(QUEUE, {"action": "approve"})
        self.client.post(QUEUE, {"action": "delete-everything", "comment": [str(self.comment().pk)]})
        messages = [str(m) for m in self.client.get(QUEUE).context["messages"]]
        self.assertEqual(
            messages, ["Select one or more comments first.", "Choose what to do with the selected comments."]
        )
        self.assertEqual(Comment.objects.get().status, Status.PENDING)

    def test_filter_by_article_and_by_commenter(self):
        mine = self.comment(author_email="aru@example.org")
        other_article = self.comment(article=self.articles[1], author_email="aru@example.org")
        self.comment(author_email="someone@example.org")
        by_email = html(self.client.get(f"{QUEUE}?email=ARU@example.org")).select("tbody tr")
        self.assertEqual(len(by_email), 2)
        by_article = html(self.client.get(f"{QUEUE}?article={self.articles[1].pk}")).select("tbody tr")
        self.assertEqual(len(by_article), 1)
        self.assertIn(other_article.body, by_article[0].get_text())
        self.assertNotIn(mine.body, by_article[0].get_text())

    def test_the_detail_page_shows_ip_article_and_the_commenters_other_comments(self):
        comment = self.comment(held=True, author_email="kamila@example.org", ip_address="192.0.2.44")
        older = self.comment(spam=True, author_email="Kamila@example.org", article=self.articles[2])
        page = html(self.client.get(reverse("comments_admin:detail", args=[comment.pk])))
        text = page.get_text(" ")
        self.assertIn("192.0.2.44", text)
        self.assertIn(self.article.title, text)
        others = page.select("table.listing tbody tr")
        self.assertEqual(len(others), 1)
        self.assertIn(older.body[:40], others[0].get_text())
        self.assertIn("Spam", others[0].get_text())

    def test_a_shown_comment_links_to_its_page_of_comments_on_the_site(self):
        comment = self.comment(held=True)
        detail = reverse("comments_admin:detail", args=[comment.pk])
        self.assertIsNone(html(self.client.get(detail)).find("a", string="View on site"))  # nothing to see yet
        Comment.objects.filter(pk=comment.pk).update(status=Status.APPROVED)
        link = html(self.client.get(detail)).find("a", string="View on site")
        self.assertEqual(link["href"], f"{self.article.get_full_url()}?comments=1#comment-{comment.pk}")

    def test_one_action_asks_on_get_and_acts_on_post(self):
        comment = self.comment(held=True)
        url = reverse("comments_admin:act", args=[comment.pk, "approve"])
        self.assertIn("Approve this comment?", self.client.get(url).content.decode())
        self.assertEqual(Comment.objects.get().status, Status.PENDING)
        response = self.client.post(url)
        self.assertRedirects(response, reverse("comments_admin:detail", args=[comment.pk]))
        self.assertEqual(Comment.objects.get().status, Status.APPROVED)

    def test_the_queue_pages_fifty_at_a_time(self):
        for n in range(53):
            self.comment(body=f"Queued comment {n}")
        self.assertEqual(len(html(self.client.get(QUEUE)).select("tbody tr")), 50)
        self.assertEqual(len(html(self.client.get(f"{QUEUE}?p=2")).select("tbody tr")), 3)

    def test_the_dashboard_says_how_many_comments_wait(self):
        self.comment(held=True)
        self.comment(held=True, flag_count=3)
        self.comment(approved=True)
        panel = html(self.client.get(reverse("wagtailadmin_home"))).select_one("#waiting-comments-section")
        text = " ".join(panel.get_text().split())
        self.assertIn("2 comments waiting for a moderator, 1 of them reported by readers.", text)
        self.assertEqual(panel.select_one(f'a[href="{QUEUE}"]').get_text(), "2 comments waiting for a moderator")

    def test_the_menu_has_comments_and_the_blocklist(self):
        content = self.client.get(reverse("wagtailadmin_home")).content.decode()
        self.assertIn(QUEUE, content)
        self.assertIn(reverse("comment_blocklist:index"), content)


class PermissionTests(CommentsTestCase):
    def test_anonymous_visitors_are_sent_to_log_in(self):
        response = self.client.get(QUEUE)
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("wagtailadmin_login"), response["Location"])

    def test_staff_without_a_comment_role_cannot_moderate(self):
        reporter = get_user_model().objects.create_user("reporter")
        reporter.groups.add(Group.objects.get(name="Reporter"))
        comment = self.comment(held=True)
        client = Client()
        client.force_login(reporter)
        self.assertEqual(client.get(QUEUE).status_code, 302)
        client.post(reverse("comments_admin:act", args=[comment.pk, "approve"]))
        client.post(QUEUE, {"action": "approve", "comment": [str(comment.pk)]})
        self.assertEqual(Comment.objects.get().status, Status.PENDING)

    def test_the_moderator_role_holds_comments_and_nothing_else(self):
        from wagtail.models import GroupCollectionPermission, GroupPagePermission

        group = Group.objects.get(name="Moderator")
        self.assertFalse(GroupPagePermission.objects.filter(group=group).exists())
        self.assertFalse(GroupCollectionPermission.objects.filter(group=group).exists())
        codenames = sorted(group.permissions.values_list("codename", flat=True))
        self.assertEqual(
            codenames,
            [
                "access_admin",
                "add_blockrule",
                "change_blockrule",
                "delete_blockrule",
                "moderate_comment",
                "view_blockrule",
            ],
        )


class BlocklistAdminTests(ModeratorTestCase):
    def test_moderators_add_blocked_words_and_senders_with_clear_errors(self):
        add = reverse("comment_blocklist:add")
        response = self.client.post(add, {"kind": "ip", "value": "999.1.1.1", "note": ""})
        self.assertEqual(response.status_code, 200)
        self.assertIn("Enter an IP address", response.content.decode())
        response = self.client.post(add, {"kind": "email", "value": "@spam.example", "note": "Bulk sender"})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(str(BlockRule.objects.get()), "Email address or @domain: @spam.example")
        listing = self.client.get(reverse("comment_blocklist:index")).content.decode()
        self.assertIn("@spam.example", listing)
