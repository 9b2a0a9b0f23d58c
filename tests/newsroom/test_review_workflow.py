"""The editorial review workflow, from a contributor's draft to a scheduled publication, in the real admin."""

import json
import re
from datetime import timedelta
from unittest import mock
from zoneinfo import ZoneInfo

from bs4 import BeautifulSoup
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.models import WorkflowState

from caspian.newsroom.models import ArticleByline, ArticlePage, AuthorPage

from .scenario import TIME_ZONE, html
from .test_roles import RolesTestCase, buttons, edit_url, form_fields, paragraphs


def body_text(page):
    """The article's paragraphs as plain text."""
    paragraphs = [block.value.source for block in page.body if block.block_type == "paragraph"]
    return " ".join(BeautifulSoup(source, "html.parser").get_text() for source in paragraphs)


def admin_time(moment):
    """A time as typed into the admin's date and time fields (the publication's clock)."""
    return timezone.localtime(moment, ZoneInfo(TIME_ZONE)).strftime("%Y-%m-%d %H:%M")


class ReviewTestCase(RolesTestCase):
    def review(self, browser, page, label, comment=None, changes=None):
        """Press the workflow button ``label`` in the page editor, writing ``comment`` in its dialog if it has one."""
        url = edit_url(page)
        form = html(browser.get(url)).select_one("#page-edit-form")
        [button] = [b for b in form.select("button[data-workflow-action-name]") if b.get_text(strip=True) == label]
        action = {"action-workflow-action": "true", "workflow-action-name": button["data-workflow-action-name"]}
        if modal_url := button.get("data-workflow-action-modal-url"):
            # The dialog's form checks the comment; the editor's form then carries it.
            dialog = BeautifulSoup(browser.get(modal_url).json()["html"], "html.parser").select_one("form")
            data = {**form_fields(dialog), "comment": comment or ""}
            answer = browser.client.post(dialog["action"], data, headers={"x-requested-with": "XMLHttpRequest"}).json()
            self.assertEqual(answer["step"], "success", answer)
            action["workflow-action-extra-data"] = json.dumps(answer["cleaned_data"])
        response = browser.post_form(form, url, changes={**(changes or {}), **action})
        self.assertEqual(response.status_code, 302, html(response).select(".error-message"))
        return response

    def reader_sees(self, page):
        response = self.client.get(ArticlePage.objects.get(pk=page.pk).url)
        return response.content.decode() if response.status_code == 200 else None


class EditorialReviewTests(ReviewTestCase):
    def test_from_a_contributors_draft_to_a_scheduled_publication(self):
        cora, elif_ = self.browser("cora"), self.browser("elif")
        with self.captureOnCommitCallbacks(execute=True):
            article = self.write_article(
                cora,
                self.caucasus,
                "Batumi port expansion",
                press="action-submit",
                text="The port will double in size.",
            )
        # The editors hear of it (and the administrator, who may approve too).
        self.assertEqual(
            sorted(address for m in mail.outbox for address in m.to), ["ada@newsroom.example", "elif@newsroom.example"]
        )
        self.assertIn('"Batumi port expansion" has been submitted for approval', mail.outbox[0].subject)
        state = article.current_workflow_state
        self.assertEqual(
            (state.workflow.name, article.current_workflow_task.name), ("Editorial review", "Editor review")
        )
        self.assertIn("Batumi port expansion", elif_.get(reverse("wagtailadmin_home")).content.decode())
        self.assertEqual([b for b in buttons(cora.get(edit_url(article))) if "Approve" in b], [])

        # The editor sends it back with a comment: the contributor gets an email, and reads it
        # at the top of the story when they open it.
        mail.outbox.clear()
        with self.captureOnCommitCallbacks(execute=True):
            self.review(elif_, article, "Request changes", comment="Who says so? Name the source for the figure.")
        state.refresh_from_db()
        self.assertEqual(state.status, WorkflowState.STATUS_NEEDS_CHANGES)
        [email] = mail.outbox
        self.assertEqual(
            (email.to, email.subject), (["cora@newsroom.example"], 'Changes requested: "Batumi port expansion"')
        )
        self.assertIn('Elif asked for changes to "Batumi port expansion" before it is published.', email.body)
        self.assertIn("\nWho says so? Name the source for the figure.\n", email.body)
        self.assertIn(
            f"Make the changes and submit it again: {settings.WAGTAILADMIN_BASE_URL}{edit_url(article)}", email.body
        )
        # Status › View details names the editor who asked, not the writer who submitted.
        # (The dialog is in a <template> until opened, where BeautifulSoup does not look.)
        headings = re.findall(
            r'class="w-dialog__message-heading">([^<]*)<', cora.get(edit_url(article)).content.decode()
        )
        headings = [" ".join(heading.split()) for heading in headings if "Changes requested" in heading]
        self.assertRegex(" | ".join(headings), r"^Changes requested by Elif, (now|.+ ago)$")
        [notice] = html(cora.get(edit_url(article))).select(".messages li")
        self.assertRegex(
            notice.get_text(" ", strip=True),
            r"^Changes requested by Elif \(\d+ \w{3}, \d\d:\d\d\): “Who says so\? Name the source for the figure\.” "
            r"Make them, then submit again\.$",
        )

        # Revised and resubmitted: the same review resumes.
        revised = "The port will double in size, its director said."
        response = cora.submit(edit_url(article), press="action-submit", body=paragraphs(revised))
        self.assertEqual(response.status_code, 302)
        state.refresh_from_db()
        self.assertEqual(state.status, WorkflowState.STATUS_IN_PROGRESS)

        # Approved with a go-live time: scheduled, not live.
        go_live = (timezone.now() + timedelta(days=2)).replace(second=0, microsecond=0)
        mail.outbox.clear()
        with self.captureOnCommitCallbacks(execute=True):
            self.review(elif_, article, "Approve and Publish", changes={"go_live_at": admin_time(go_live)})
        # The writer hears of it.
        self.assertEqual(
            [(m.to, m.subject) for m in mail.outbox],
            [(["cora@newsroom.example"], 'The page "Batumi port expansion" has been approved in "Editorial review".')],
        )
        article = ArticlePage.objects.get(pk=article.pk)
        state.refresh_from_db()
        self.assertEqual(state.status, WorkflowState.STATUS_APPROVED)
        self.assertFalse(article.live)
        self.assertEqual(article.scheduled_revision.approved_go_live_at, go_live)
        self.assertIsNone(self.reader_sees(article))
        call_command("publish_scheduled")
        self.assertFalse(ArticlePage.objects.get(pk=article.pk).live)

        # Whatever runs Wagtail's scheduled publishing then publishes the approved text, and the writer hears.
        mail.outbox.clear()
        with (
            mock.patch("django.utils.timezone.now", return_value=go_live + timedelta(minutes=1)),
            self.captureOnCommitCallbacks(execute=True),
        ):
            call_command("publish_scheduled")
        [email] = mail.outbox
        self.assertEqual(
            (email.to, email.subject), (["cora@newsroom.example"], 'Your story is published: "Batumi port expansion"')
        )
        self.assertIn(ArticlePage.objects.get(pk=article.pk).full_url, email.body)
        article = ArticlePage.objects.get(pk=article.pk)
        self.assertTrue(article.live)
        self.assertEqual(article.first_published_at, go_live + timedelta(minutes=1))
        self.assertEqual(body_text(article), revised)
        self.assertIn(revised, self.reader_sees(article))

    def test_an_editor_approves_with_a_comment_and_it_is_published_at_once(self):
        rashid, elif_ = self.browser("rashid"), self.browser("elif")
        article = self.write_article(rashid, self.central_asia, "Almaty air quality", press="action-submit")
        self.review(elif_, article, "Approve and Publish", comment="Good story, published.")
        article = ArticlePage.objects.get(pk=article.pk)
        self.assertTrue(article.live)
        self.assertIn("The first paragraph of the story.", self.reader_sees(article))
        self.assertEqual(article.workflow_states.get().status, WorkflowState.STATUS_APPROVED)
        self.assertEqual(article.workflow_states.get().current_task_state.comment, "Good story, published.")

    def test_writers_cannot_approve_their_own_work(self):
        rashid = self.browser("rashid")
        article = self.write_article(rashid, self.caucasus, "Gudauri ski season", press="action-submit")
        task_state = article.current_workflow_task_state
        for name in ("approve", "reject"):
            url = reverse("wagtailadmin_pages:workflow_action", args=[article.pk, name, task_state.pk])
            self.assertRefused(rashid.post(url, {"comment": "Fine by me."}))
        article = ArticlePage.objects.get(pk=article.pk)
        self.assertFalse(article.live)
        self.assertEqual(article.current_workflow_task_state, task_state)
        task_state.refresh_from_db()
        self.assertEqual(task_state.status, "in_progress")


class PublishedEmailTests(ReviewTestCase):
    def published_emails(self):
        return sorted((m.to[0], m.subject) for m in mail.outbox if "published" in m.subject)

    def test_the_writers_hear_when_an_editor_publishes_their_story(self):
        # The byline's author signs in as Rena; the editor publishing is linked to the second byline.
        AuthorPage.objects.filter(pk=self.author.pk).update(user=self.staff["rena"])
        AuthorPage.objects.filter(pk=self.second_author.pk).update(user=self.staff["elif"])
        story = self.write_article(self.browser("rashid"), self.caucasus, "Aktau strike ends")
        ArticleByline.objects.create(page=story, author=self.second_author, sort_order=2)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.browser("elif").submit(edit_url(story), press="action-publish")
        self.assertEqual(response.status_code, 302)
        subject = 'Your story is published: "Aktau strike ends"'
        self.assertEqual(
            self.published_emails(), [("rashid@newsroom.example", subject), ("rena@newsroom.example", subject)]
        )
        self.assertIn(f"\n{ArticlePage.objects.get(pk=story.pk).full_url}", mail.outbox[0].body)

        mail.outbox.clear()  # published again: the writers hear of the new version
        with self.captureOnCommitCallbacks(execute=True):
            self.browser("elif").submit(edit_url(story), press="action-publish", changes={"standfirst": "Now longer."})
        self.assertEqual(
            [subject for _, subject in self.published_emails()],
            ['Your story\'s changes are published: "Aktau strike ends"'] * 2,
        )

    def test_the_writer_hears_when_their_story_is_approved_and_published(self):
        story = self.write_article(
            self.browser("rashid"), self.central_asia, "Almaty air quality", press="action-submit"
        )
        mail.outbox.clear()
        with self.captureOnCommitCallbacks(execute=True):
            self.review(self.browser("elif"), story, "Approve and Publish")
        self.assertEqual(
            self.published_emails(), [("rashid@newsroom.example", 'Your story is published: "Almaty air quality"')]
        )

    def test_no_one_hears_of_a_story_scheduled_or_published_by_its_own_writer(self):
        scheduled = self.write_article(self.browser("rashid"), self.caucasus, "Tbilisi tram return")
        go_live = admin_time(timezone.now() + timedelta(days=1))
        with self.captureOnCommitCallbacks(execute=True):
            self.browser("elif").submit(edit_url(scheduled), press="action-publish", changes={"go_live_at": go_live})
        self.assertFalse(ArticlePage.objects.get(pk=scheduled.pk).live)
        own = self.write_article(self.browser("elif"), self.caucasus, "Gudauri ski season")
        with self.captureOnCommitCallbacks(execute=True):
            self.browser("elif").submit(edit_url(own), press="action-publish")
        self.assertTrue(ArticlePage.objects.get(pk=own.pk).live)
        self.assertEqual(self.published_emails(), [])


class RevisionTests(ReviewTestCase):
    def test_an_editor_compares_revisions_and_restores_an_earlier_one(self):
        elif_ = self.browser("elif")
        story = self.write_article(
            elif_, self.caucasus, "Tbilisi tram return", press="action-publish", text="Trams return in May."
        )
        response = elif_.submit(edit_url(story), press="action-publish", body=paragraphs("Trams return in June."))
        self.assertEqual(response.status_code, 302)
        self.assertIn("Trams return in June.", self.reader_sees(story))
        first, second = story.revisions.order_by("created_at", "pk")

        compare = elif_.get(reverse("wagtailadmin_pages:revisions_compare", args=[story.pk, first.pk, second.pk]))
        changes = html(compare)
        self.assertIn("May", changes.select_one(".deletion").get_text())
        self.assertIn("June", changes.select_one(".addition").get_text())
        history = elif_.get(reverse("wagtailadmin_pages:history", args=[story.pk])).content.decode()
        revert = reverse("wagtailadmin_pages:revisions_revert", args=[story.pk, first.pk])
        self.assertIn(revert, history)

        response = elif_.submit(revert, press="action-publish")
        self.assertEqual(response.status_code, 302)
        story = ArticlePage.objects.get(pk=story.pk)
        self.assertEqual(body_text(story), "Trams return in May.")
        self.assertIn("Trams return in May.", self.reader_sees(story))
        self.assertEqual(story.revisions.count(), 3)  # restoring adds a revision; history is kept
