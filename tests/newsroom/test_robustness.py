"""Odd but real situations a reader page must survive without an error."""

from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Revision
from wagtail.rich_text import RichText

from caspian.newsroom.factories import ArticlePageFactory, NewsImageFactory
from caspian.newsroom.models import ArticlePage, ArticleUpdate, AuthorPage, SectionPage

from .scenario import NewsroomTestCase, html


class RobustnessTests(NewsroomTestCase):
    def test_a_lost_image_file_costs_the_picture_not_the_page(self):
        image = NewsImageFactory(title="Lost")
        article = ArticlePageFactory(section=self.caucasus, authors=[self.author], lead_image=image, lead_image_alt="x")
        default_storage.delete(image.file.name)
        with self.assertLogs("caspian.newsroom.images", "WARNING"):
            page = html(self.get(article))
        self.assertIsNone(page.select_one(".article__lead-image img"))
        self.assertEqual(page.find("h1").get_text(), article.title)

    def test_a_tag_without_letters_or_digits_is_shown_unlinked_or_not_at_all(self):
        article = ArticlePageFactory(section=self.caucasus, authors=[self.author], tags=["!!!", "Ports"])
        tags = [a.get_text() for a in html(self.get(article)).select(".article__tags a")]
        self.assertEqual(tags, ["Ports"])

    def test_odd_page_numbers_are_not_found(self):
        for number in ("²", "-1", "0", "1e3", "99"):
            self.assertEqual(self.client.get(self.caucasus.url, {"page": number}).status_code, 404, number)

    def test_a_tag_only_drafts_carry_is_not_revealed(self):
        draft = ArticlePageFactory(section=self.caucasus, authors=[self.author], tags=["Embargoed merger"])
        draft.unpublish()
        self.assertEqual(self.client.get("/tags/embargoed-merger/").status_code, 404)

    def test_an_unpublished_author_is_named_but_not_linked(self):
        article = ArticlePageFactory(section=self.caucasus, authors=[self.second_author, self.author])
        self.second_author.unpublish()
        page = html(self.get(article))
        self.assertEqual(
            page.select_one(".article__byline").get_text(" ", strip=True), "By Timur Saidov and Nino Kapanadze"
        )
        self.assertEqual([a.get_text() for a in page.select(".article__byline a")], ["Nino Kapanadze"])
        self.assertEqual([n.get_text() for n in page.select(".author-box__name")], ["Nino Kapanadze"])


class PreviewTests(NewsroomTestCase):
    """Editors preview pages before their first save: there is no primary key yet."""

    def preview(self, page, parent):
        page.depth = parent.depth + 1
        page.path = parent.path + "ZZZZ"
        page.set_url_path(parent)
        response = page.make_preview_request()
        self.assertEqual(response.status_code, 200)
        return html(response)

    def test_unsaved_article(self):
        article = ArticlePage(
            title="A story not saved yet",
            slug="a-story-not-saved-yet",
            standfirst="Seen only by its editor.",
            body=[("paragraph", RichText("<p>Draft text.</p>"))],
        )
        page = self.preview(article, self.caucasus.year_folder(timezone.now().year))
        self.assertEqual(page.find("h1").get_text(), "A story not saved yet")

    def test_unsaved_section_and_author(self):
        section = self.preview(SectionPage(title="Arctic", slug="arctic"), self.home)
        self.assertEqual(section.find("h1").get_text(), "Arctic")
        author = self.preview(AuthorPage(title="New Reporter", slug="new-reporter"), self.author.get_parent())
        self.assertEqual(author.find("h1").get_text(), "New Reporter")


class CopyAndRevisionTests(NewsroomTestCase):
    def test_a_copy_is_not_an_updated_story(self):
        original = ArticlePageFactory(section=self.caucasus, authors=[self.author], updated=True)
        copy = original.copy(update_attrs={"slug": "copy-of-the-story", "title": "Copy"}, keep_live=False)
        copy = ArticlePage.objects.get(pk=copy.pk)
        self.assertIsNone(copy.updated_at)
        self.assertEqual(copy.update_note, "")

    def test_publishing_an_older_revision_keeps_the_update_time(self):
        article = ArticlePage.objects.get(pk=self.articles[0].pk)
        old_revision = article.save_revision()
        old_revision.publish()
        article = ArticlePage.objects.get(pk=article.pk)
        article.update_note = "Adds the court's ruling."
        article.save_revision().publish()
        updated_at = ArticlePage.objects.get(pk=article.pk).updated_at
        self.assertIsNotNone(updated_at)

        Revision.objects.get(pk=old_revision.pk).publish()  # an editor rolls the text back
        article = ArticlePage.objects.get(pk=article.pk)
        self.assertEqual(article.updated_at, updated_at)
        self.assertEqual(ArticleUpdate.objects.filter(article=article).count(), 1)


class ImagesPreparedOnPublishTests(NewsroomTestCase):
    def test_publishing_makes_the_lead_image_sizes(self):
        from caspian.newsroom.images import PRESETS

        article = ArticlePageFactory(section=self.caucasus, authors=[self.author], with_image=True)
        self.assertFalse(article.lead_image.renditions.exists())
        with self.captureOnCommitCallbacks(execute=True):
            article.save_revision().publish()
        made = set(article.lead_image.renditions.values_list("filter_spec", flat=True))
        self.assertTrue(set(PRESETS["lead"].all_specs()) | set(PRESETS["card"].all_specs()) <= made)


class HealthTests(NewsroomTestCase):
    def test_healthz_checks_database_and_cache(self):
        response = self.client.get(reverse("healthz"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json(), {"database": "ok", "cache": "ok"})
        self.assertIn("no-cache", response["Cache-Control"])
