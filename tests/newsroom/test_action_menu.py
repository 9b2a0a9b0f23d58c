"""The page editor's buttons: the main one fits the story's state, and no action is offered twice."""

from .test_review_workflow import ReviewTestCase
from .test_roles import buttons, edit_url


class ActionMenuTests(ReviewTestCase):
    def test_on_a_live_story_the_main_button_publishes_the_changes_and_unpublish_comes_last(self):
        labels = buttons(self.browser("elif").get(edit_url(self.articles[0])))
        self.assertEqual(labels[0], "Publish changes")
        self.assertEqual(labels[-1], "Unpublish")
        self.assertIn("Save draft", labels)
        self.assertNotIn("Publish", labels)

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
        labels = buttons(self.browser("elif").get(edit_url(article)))
        self.assertIn("Approve and Publish", labels)
        self.assertNotIn("Publish", labels)
        self.assertNotIn("Publish changes", labels)
