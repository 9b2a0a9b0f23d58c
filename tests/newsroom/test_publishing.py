"""Honest dates: first publication stays put; only material updates move 'Updated'."""

from datetime import timedelta

from django.utils import timezone

from caspian.newsroom.factories import ArticlePageFactory, SectionPageFactory
from caspian.newsroom.models import ArticlePage, ArticleUpdate

from .scenario import NewsroomTestCase, html


class MaterialUpdateTests(NewsroomTestCase):
    def republish(self, article, **changes):
        article = ArticlePage.objects.get(pk=article.pk)
        for field, value in changes.items():
            setattr(article, field, value)
        revision = article.save_revision()
        revision.publish()
        return ArticlePage.objects.get(pk=article.pk), revision

    def test_published_note_becomes_an_update_and_is_cleared(self):
        article = self.articles[0]
        first_published = article.first_published_at
        article, revision = self.republish(article, update_note="Adds the ministry's response.")
        update = ArticleUpdate.objects.get(article=article)
        self.assertEqual(update.note, "Adds the ministry's response.")
        self.assertEqual(article.updated_at, update.published_at)
        self.assertAlmostEqual(article.updated_at, timezone.now(), delta=timedelta(seconds=30))
        self.assertEqual(article.first_published_at, first_published)
        self.assertEqual(article.update_note, "")
        revision.refresh_from_db()
        self.assertEqual(revision.content["update_note"], "")
        self.assertEqual(article.latest_revision.as_object().update_note, "")
        page = html(self.get(article))
        self.assertIsNotNone(page.select_one(".article__updated time"))
        self.assertIn("Adds the ministry's response.", page.select_one(".article__updates").get_text())

    def test_routine_edit_changes_nothing_readers_see_as_updated(self):
        article, _ = self.republish(self.articles[0], standfirst="A corrected typo in the summary.")
        self.assertIsNone(article.updated_at)
        self.assertFalse(ArticleUpdate.objects.filter(article=article).exists())
        self.assertIsNone(html(self.get(article)).select_one(".article__updated"))

    def test_note_on_first_publication_is_dropped(self):
        draft = ArticlePageFactory(
            section=self.caucasus,
            authors=[self.author],
            live=False,
            first_published_at=None,
            last_published_at=None,
            update_note="Not an update: the story is new.",
        )
        draft.save_revision().publish()
        article = ArticlePage.objects.get(pk=draft.pk)
        self.assertIsNotNone(article.first_published_at)
        self.assertIsNone(article.updated_at)
        self.assertEqual(article.update_note, "")
        self.assertFalse(ArticleUpdate.objects.filter(article=article).exists())

    def test_updates_are_listed_oldest_first(self):
        article, _ = self.republish(self.articles[0], update_note="First update.")
        article, _ = self.republish(article, update_note="Second update.")
        items = [li.get_text() for li in html(self.get(article)).select(".article__updates li")]
        self.assertEqual(len(items), 2)
        self.assertRegex(items[0], r"^\d{1,2} \w+ \d{4}, \d\d:\d\d: First update\.$")  # no space before the colon
        self.assertRegex(items[1], r"^\d{1,2} \w+ \d{4}, \d\d:\d\d: Second update\.$")


class SectionBookkeepingTests(NewsroomTestCase):
    def test_article_knows_its_section(self):
        article = ArticlePageFactory(section=self.central_asia, authors=[self.author])
        self.assertEqual(article.section_id, self.central_asia.pk)
        self.assertEqual(article.get_parent().get_parent().pk, self.central_asia.pk)

    def test_moving_a_year_folder_refiles_its_articles(self):
        energy = SectionPageFactory(parent=self.home, title="Caspian & Energy")
        folder = self.caucasus.year_folder(1999)
        article = ArticlePageFactory(parent=folder, authors=[self.author])
        self.assertEqual(article.section_id, self.caucasus.pk)
        folder.move(energy, pos="last-child")
        article.refresh_from_db()
        self.assertEqual(article.section_id, energy.pk)
        self.assertTrue(article.url.startswith(energy.url))

    def test_year_folder_is_created_once(self):
        folder = self.caucasus.year_folder(2031)
        self.assertEqual(self.caucasus.year_folder(2031).pk, folder.pk)
        self.assertEqual(folder.url, f"{self.caucasus.url}2031/")
        self.assertTrue(folder.live)
