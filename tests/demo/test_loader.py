"""The demo publication loads completely, once, and configures the site it lands in."""

from django.test import TestCase
from django.utils import timezone
from wagtail.models import Site

from caspian.demo import loader
from caspian.masthead.models import MastheadSettings
from caspian.newsroom.models import (
    ArticlePage,
    ArticleUpdate,
    AuthorPage,
    HomePage,
    MustReadPick,
    PublicationSettings,
    SectionPage,
    StandardPage,
)


class DemoLoaderTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.steps = []
        cls.count = loader.load(
            progress=lambda done, total, label: cls.steps.append((done, total, label)), prepare_images=False
        )

    def test_content_volume(self):
        self.assertGreaterEqual(self.count, 40)
        self.assertEqual(ArticlePage.objects.live().count(), self.count)
        sections = SectionPage.objects.live().filter(show_in_menus=True)
        self.assertGreaterEqual(sections.count(), 5)
        for section in sections:
            self.assertGreaterEqual(ArticlePage.objects.filter(section=section).count(), 5, section.title)

    def test_authors_have_bios_websites_and_photos(self):
        authors = AuthorPage.objects.live()
        self.assertEqual(authors.count(), 8)
        for author in authors:
            self.assertTrue(author.bio and author.role and author.photo_id, author.title)
            self.assertRegex(author.website, r"^https://[a-z0-9.-]+\.example\.(org|com|net)/$")

    def test_articles_are_complete_and_dated_in_the_past(self):
        now = timezone.now()
        for article in ArticlePage.objects.select_related("lead_image"):
            self.assertTrue(article.standfirst and article.dateline, article.slug)
            self.assertTrue(article.lead_image and article.lead_image_alt, article.slug)
            self.assertTrue(article.bylines.exists(), article.slug)
            self.assertTrue(article.tags.exists(), article.slug)
            self.assertLess(article.first_published_at, now)
            self.assertGreaterEqual(len(article.body), 4)

    def test_some_articles_carry_material_updates(self):
        updated = ArticlePage.objects.filter(updated_at__isnull=False)
        self.assertGreaterEqual(updated.count(), 3)
        for article in updated:
            update = ArticleUpdate.objects.get(article=article)
            self.assertEqual(update.published_at, article.updated_at)
            self.assertGreater(article.updated_at, article.first_published_at)

    def test_must_read_is_curated(self):
        picks = MustReadPick.objects.filter(page=HomePage.objects.get()).order_by("sort_order")
        self.assertEqual(picks.count(), 5)
        self.assertEqual(len({pick.article_id for pick in picks}), 5)

    def test_site_is_configured_as_the_caspian_times(self):
        site = Site.objects.get(is_default_site=True)
        self.assertEqual(site.site_name, "The Caspian Times")
        self.assertEqual(site.root_page.title, "The Caspian Times")
        self.assertEqual(PublicationSettings.for_site(site).time_zone, "Europe/Berlin")
        masthead = MastheadSettings.for_site(site)
        self.assertEqual(masthead.weather_location.city, "Munich")
        about = StandardPage.objects.get(slug="about")
        self.assertTrue(about.live and about.show_in_menus)
        self.assertIn("independent", about.introduction.lower() + str(about.body).lower())

    def test_progress_is_reported(self):
        self.assertEqual(self.steps[-1], (self.count, self.count, "articles"))

    def test_loading_again_changes_nothing(self):
        with self.assertRaises(loader.AlreadyLoaded):
            loader.load(prepare_images=False)
        self.assertEqual(ArticlePage.objects.count(), self.count)
