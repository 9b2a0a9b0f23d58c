"""The page editor's buttons: the main one fits the story's state, and no action is offered twice."""

from django.urls import reverse

from caspian.newsroom.models import ArticlePage

from .scenario import html
from .test_review_workflow import ReviewTestCase
from .test_roles import buttons, edit_url


class ActionMenuTests(ReviewTestCase):
    def test_on_a_live_story_the_main_button_publishes_the_changes_and_unpublish_comes_last(self):
        labels = buttons(self.browser("elif").get(edit_url(self.articles[0])))
        self.assertEqual(labels[0], "Publish changes")
        self.assertEqual(labels[-1], "Unpublish")
        self.assertIn("Save draft", labels)
        self.assertNotIn("Publish", labels)
        # Unpublish asks on a page of its own before anything happens.
        elif_ = self.browser("elif")
        unpublish = html(elif_.get(edit_url(self.articles[0]))).select("#page-edit-form footer a")[-1]["href"]
        self.assertEqual(unpublish, reverse("wagtailadmin_pages:unpublish", args=[self.articles[0].pk]))
        confirm = html(elif_.get(unpublish))
        self.assertIn("Are you sure you want to unpublish this page?", confirm.get_text(" ", strip=True))
        self.assertTrue(ArticlePage.objects.get(pk=self.articles[0].pk).live)

    def test_a_draft_still_opens_on_save_draft(self):
        article = self.write_article(self.browser("elif"), self.caucasus, "Aktau ferry timetable")
        labels = buttons(self.browser("elif").get(edit_url(article)))
        self.assertEqual(labels[0], "Save draft")
        self.assertIn("Publish", labels)
        self.assertNotIn("Unpublish", labels)

    def test_in_review_the_approver_publishes_by_approving(self):
        article = self.write_article(
            self.browser("cora"), self.caucasus, "Batumi port expansion", press="action-submit", text="It grows."
        )
        edit = self.browser("elif").get(edit_url(article))
        labels = buttons(edit)
        # One approval, whose dialog takes a comment (optional): not a second "with comment" button.
        self.assertEqual([label for label in labels if "Approve" in label], ["Approve and Publish"])
        [approve] = html(edit).select("#page-edit-form footer button[data-workflow-action-name=approve]")
        self.assertTrue(approve.get("data-workflow-action-modal-url"))
        self.assertIn("Request changes", labels)
        self.assertNotIn("Publish", labels)
        self.assertNotIn("Publish changes", labels)
