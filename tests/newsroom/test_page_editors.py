"""Every page type's editor: newsroom wording, the schedule kept, one history line per revision."""

from bs4 import BeautifulSoup
from wagtail.models import PageLogEntry, get_page_models

from caspian.newsroom.admin_forms import NewsroomPageForm
from caspian.newsroom.factories import TopicPageFactory
from caspian.newsroom.models import ArticlePage, SectionPage, StandardPage
from caspian.newsroom.models.pages import OneHistoryLinePerRevisionMixin

from .scenario import html
from .test_roles import RolesTestCase, edit_url, form_fields

WAGTAILS_WORDING = ["The page title as you'd like it", "Show in menus", "show in menus", "For site menus"]
RESET_ON_CLOSE = "w-dialog:hidden->w-action#reset"  # Wagtail's: the schedule dialog forgets a typed time


class PageEditorTests(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.topic = TopicPageFactory(parent=cls.home, title="The Caspian ferry strike")

    def editor(self, page):
        """The page's editor, with the dialogs (in ``<template>`` until opened, unseen by BeautifulSoup) opened up."""
        source = self.browser("elif").get(edit_url(page)).content.decode()
        return BeautifulSoup(source.replace("<template", "<div").replace("</template>", "</div>"), "html.parser")

    def test_every_page_type_has_the_newsroom_form_and_one_history_line_per_revision(self):
        newsroom = [model for model in get_page_models() if model._meta.app_label == "newsroom"]
        self.assertGreaterEqual(len(newsroom), 9)
        for model in newsroom:
            with self.subTest(model=model.__name__):
                self.assertTrue(issubclass(model, OneHistoryLinePerRevisionMixin))
                self.assertTrue(issubclass(model.get_edit_handler().get_form_class(), NewsroomPageForm))

    def test_wagtails_wording_is_gone_from_the_editors(self):
        for page in (self.articles[0], self.about, self.caucasus, self.topic, self.home):
            with self.subTest(page=type(page).__name__):
                text = self.editor(page).select_one("main").get_text(" ", strip=True)
                for words in WAGTAILS_WORDING:
                    self.assertNotIn(words, text)
        section = self.editor(self.caucasus)
        self.assertEqual(section.select_one("label[for=id_title]").get_text(strip=True), "Section name*")
        self.assertEqual(
            section.select_one("label[for=id_show_in_menus]").get_text(strip=True), "In the navigation bar"
        )
        self.assertIsNone(self.editor(self.home).select_one("#id_show_in_menus"))  # the home page is in no menu

    def test_the_schedule_dialog_keeps_a_typed_time_on_every_page_type(self):
        for page in (self.about, self.caucasus, self.topic, self.home, self.articles[0]):
            with self.subTest(page=type(page).__name__):
                form = self.editor(page)
                for name in ("go_live_at", "expire_at"):
                    field = form.select_one(f"#id_{name}")
                    self.assertNotIn(RESET_ON_CLOSE, field.get("data-action", ""))
                self.assertEqual(form.select_one("label[for=id_go_live_at]").get_text(strip=True), "Go-live time")

    def autosave(self, browser, page, title, overwrite=None):
        """What the editor's autosave posts as someone types: the form, as JSON, over its own last revision."""
        data = form_fields(html(browser.get(edit_url(page))).select_one("#page-edit-form"))
        data["title"] = title
        if overwrite:
            data["overwrite_revision_id"] = str(overwrite)
        response = browser.client.post(edit_url(page), data, headers={"accept": "application/json"})
        self.assertEqual(response.status_code, 200, response.content)
        answer = response.json()
        self.assertTrue(answer["success"], answer)
        return answer["revision_id"]

    def test_autosaves_in_the_editor_make_one_history_line_per_revision(self):
        elif_ = self.browser("elif")
        for page in (StandardPage.objects.get(pk=self.about.pk), ArticlePage.objects.get(pk=self.articles[0].pk)):
            with self.subTest(page=type(page).__name__):
                edits = PageLogEntry.objects.filter(page=page, action="wagtail.edit")
                before = edits.count()
                revision = self.autosave(elif_, page, "Take 1")
                for take in (2, 3, 4):
                    self.assertEqual(self.autosave(elif_, page, f"Take {take}", overwrite=revision), revision)
                self.assertEqual(edits.count(), before + 1)
                self.assertEqual(type(page).objects.get(pk=page.pk).get_latest_revision().as_object().title, "Take 4")
        self.assertFalse(SectionPage.objects.filter(title="Take 4").exists())  # drafts only
