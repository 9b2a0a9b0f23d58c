"""`caspian generate-archive`: articles written in bulk that readers, listings and search see like published ones."""

from collections import defaultdict
from datetime import timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from taggit.models import Tag
from wagtail.models import Page
from wagtail.search.models import IndexEntry

from caspian.demo import archive
from caspian.newsroom import bulk
from caspian.newsroom.factories import SectionPageFactory
from caspian.newsroom.models import (
    ArchiveYearPage,
    ArticlePage,
    AuthorIndexPage,
    AuthorPage,
    HomePage,
    SectionPage,
)

from ..newsroom.scenario import TIME_ZONE, NewsroomTestCase, html


def assert_tree_is_sound(test):
    """treebeard finds no problem, and every page's ``numchild`` counts its children."""
    test.assertEqual(Page.find_problems(), ([], [], [], [], []))
    children = defaultdict(int)
    for path in Page.objects.values_list("path", flat=True):
        children[path[: -Page.steplen]] += 1
    for path, numchild in Page.objects.values_list("path", "numchild"):
        test.assertEqual(numchild, children[path], path)


def assert_unique_slugs_among_siblings(test):
    seen = set()
    for path, slug in Page.objects.values_list("path", "slug"):
        sibling = (path[: -Page.steplen], slug)
        test.assertNotIn(sibling, seen)
        seen.add(sibling)


class GeneratedArchiveTests(NewsroomTestCase):
    """60 articles generated in chunks of 25 into the scenario's site (two sections, two authors)."""

    article_count = 2

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.before = set(ArticlePage.objects.values_list("pk", flat=True))
        cls.images = set(ArticlePage.objects.values_list("lead_image_id", flat=True))
        cls.folders_before = ArchiveYearPage.objects.count()
        cls.steps = []
        cls.report = archive.generate(
            60, chunk_size=25, now=cls.now, progress=lambda done, total: cls.steps.append((done, total))
        )
        cls.generated = list(
            ArticlePage.objects.exclude(pk__in=cls.before).select_related("section").order_by("first_published_at")
        )

    def test_adds_the_articles_in_chunks(self):
        self.assertEqual(self.report.added, 60)
        self.assertEqual(len(self.generated), 60)
        self.assertEqual(ArticlePage.objects.count(), 62)
        self.assertEqual(self.steps, [(25, 60), (50, 60), (60, 60)])
        self.assertEqual(self.report.newest_path, self.generated[-1].url)

    def test_the_database_has_planner_statistics_for_the_new_rows(self):
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                # Each row's stat starts with the table's row count.
                cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = 'wagtailcore_page' LIMIT 1")
                rows = int(cursor.fetchone()[0].split()[0])
            else:
                cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'wagtailcore_page'")
                rows = int(cursor.fetchone()[0])
        self.assertGreaterEqual(rows, 60)

    def test_every_article_is_served_with_its_headline(self):
        for article in self.generated:
            response = self.get(article.url)
            self.assertEqual(html(response).h1.get_text(strip=True), article.title)
            self.assertContains(response, escape(article.standfirst))

    def test_the_tree_stays_sound(self):
        assert_tree_is_sound(self)
        assert_unique_slugs_among_siblings(self)

    def test_articles_are_filed_by_section_and_year_of_the_publication(self):
        zone = ZoneInfo(TIME_ZONE)
        for article in self.generated:
            folder = article.get_parent().specific
            self.assertIsInstance(folder, ArchiveYearPage)
            self.assertEqual(folder.slug, str(timezone.localtime(article.first_published_at, zone).year))
            self.assertEqual(folder.get_parent().pk, article.section_id)
            self.assertEqual(article.url_path, f"{folder.url_path}{article.slug}/")
            self.assertEqual(article.url, f"/{article.section.slug}/{folder.slug}/{article.slug}/")
        self.assertEqual(self.report.folders_created, ArchiveYearPage.objects.count() - self.folders_before)

    def test_articles_are_published_like_any_other(self):
        home = HomePage.objects.get()
        for article in self.generated:
            self.assertTrue(article.live)
            self.assertFalse(article.has_unpublished_changes)
            self.assertEqual(article.draft_title, article.title)
            self.assertEqual(article.last_published_at, article.first_published_at)
            self.assertEqual(article.locale_id, home.locale_id)
            self.assertEqual(article.comment_count, 0)
            self.assertIsNone(article.updated_at)
            self.assertTrue(article.standfirst and len(article.standfirst) <= 400)
            self.assertEqual(article.dateline, article.dateline.upper())
            self.assertIn(article.lead_image_id, self.images)
            self.assertEqual(article.lead_image_alt, "A generated test illustration")
        self.assertEqual(len({article.translation_key for article in self.generated}), 60)

    def test_bodies_have_the_stored_shape_of_edited_ones(self):
        for article in self.generated:
            blocks = article.body.raw_data
            self.assertGreaterEqual(len(blocks), 3)
            self.assertEqual(blocks[0]["type"], "paragraph")
            self.assertTrue(blocks[0]["value"].startswith("<p>") and blocks[0]["value"].endswith("</p>"))
            self.assertLessEqual({block["type"] for block in blocks}, {"paragraph", "heading", "quote"})
            self.assertEqual(len({block["id"] for block in blocks}), len(blocks))
            article.body.stream_block.clean(article.body)  # valid as editors would have saved it

    def test_dates_spread_over_ten_years_up_to_now(self):
        dates = [article.first_published_at for article in self.generated]
        self.assertGreater(max(dates), self.now - timedelta(hours=1))
        self.assertLess(max(dates), self.now)
        self.assertGreater(min(dates), self.now - timedelta(days=3653))
        self.assertGreaterEqual(len({date.year for date in dates}), 8)
        pks = [article.pk for article in self.generated]
        self.assertEqual(pks, sorted(pks), "written oldest first, like a real archive")

    def test_articles_spread_over_sections_authors_and_tags(self):
        self.assertEqual({article.section_id for article in self.generated}, {self.caucasus.pk, self.central_asia.pk})
        bylined = set()
        for article in ArticlePage.objects.filter(pk__in=[a.pk for a in self.generated]).prefetch_related(
            "bylines", "tagged_items"
        ):
            bylines = list(article.bylines.all())
            self.assertIn(len(bylines), (1, 2))
            self.assertEqual([byline.sort_order for byline in bylines], list(range(len(bylines))))
            bylined |= {byline.author_id for byline in bylines}
            self.assertTrue(1 <= len(article.tagged_items.all()) <= 4, article.slug)
        self.assertEqual(bylined, {self.author.pk, self.second_author.pk})
        self.assertGreaterEqual(Tag.objects.count(), 200)

    def test_section_and_year_listings_show_the_newest(self):
        newest = max(
            (a for a in self.generated if a.section_id == self.caucasus.pk), key=lambda a: a.first_published_at
        )
        self.assertContains(self.get(self.caucasus), f'href="{newest.url}"')
        self.assertContains(self.get(newest.get_parent()), f'href="{newest.url}"')

    def test_search_finds_an_article_by_its_headline(self):
        self.assertEqual(IndexEntry.objects.filter(object_id__in=[str(a.pk) for a in self.generated]).count(), 60)
        for article in self.generated[::20]:
            response = self.get("/search/?" + urlencode({"q": article.title}))
            self.assertContains(response, f'href="{article.url}"')

    def test_editors_can_open_and_republish_a_generated_article(self):
        article = self.generated[-1]
        self.client.force_login(get_user_model().objects.create_superuser("editor"))
        edit = self.client.get(reverse("wagtailadmin_pages:edit", args=[article.pk]))
        self.assertEqual(edit.status_code, 200)
        self.assertContains(edit, escape(article.title))
        article.title = "A corrected headline"
        article.save_revision().publish()
        self.assertContains(self.get(article.url), "A corrected headline")
        assert_tree_is_sound(self)

    def test_running_again_adds_more_without_slug_clashes(self):
        again = archive.generate(30, now=self.now + timedelta(minutes=5))
        self.assertEqual(again.added, 30)
        self.assertEqual(ArticlePage.objects.count(), 92)
        assert_tree_is_sound(self)
        assert_unique_slugs_among_siblings(self)

    def test_a_taken_slug_gets_a_number(self):
        article = self.generated[-1]
        folder = bulk.Children(article.get_parent())
        slug, path = folder.claim(article.slug)
        self.assertEqual(slug, f"{article.slug}-2")
        self.assertEqual(folder.claim(article.slug)[0], f"{article.slug}-3")
        self.assertGreater(path, Page.objects.child_of(article.get_parent()).order_by("-path").first().path)

    def test_the_same_seed_writes_the_same_archive(self):
        def titles(seed):
            with transaction.atomic():
                archive.generate(10, seed=seed, now=self.now)
                made = list(
                    ArticlePage.objects.exclude(pk__in=self.before).order_by("pk").values_list("title", "url_path")
                )
                transaction.set_rollback(True)
            return made[-10:]

        self.assertEqual(titles(7), titles(7))
        self.assertNotEqual(titles(7), titles(8))

    def test_without_lead_images(self):
        archive.generate(5, lead_images=False, search_index=False, now=self.now)
        newest = ArticlePage.objects.order_by("-pk")[:5]
        self.assertEqual({(a.lead_image_id, a.lead_image_alt) for a in newest}, {(None, "")})
        self.assertFalse(IndexEntry.objects.filter(object_id__in=[str(a.pk) for a in newest]).exists())


class ArchiveOnABareSiteTests(TestCase):
    """A site with a home page and a section, but no authors yet."""

    def test_authors_are_created_when_there_are_none(self):
        home = HomePage.objects.get()
        SectionPageFactory(parent=home, title="Economy")
        report = archive.generate(20)
        self.assertEqual(report.authors_created, archive.AUTHORS_WHEN_NONE)
        index = AuthorIndexPage.objects.child_of(home).get()
        authors = AuthorPage.objects.child_of(index).live()
        self.assertEqual(authors.count(), archive.AUTHORS_WHEN_NONE)
        self.assertTrue(all(author.bio and author.role for author in authors))
        self.assertFalse(ArticlePage.objects.filter(bylines__isnull=True).exists())
        for article in ArticlePage.objects.all():
            self.assertEqual(self.client.get(article.url).status_code, 200, article.url)
        assert_tree_is_sound(self)

    def test_a_site_without_sections_is_refused(self):
        with self.assertRaisesMessage(archive.NoPublication, "run `caspian demo --no-serve`"):
            archive.generate(5)
        self.assertFalse(ArticlePage.objects.exists())

    def test_a_site_whose_root_is_not_a_home_page_is_refused(self):
        home = HomePage.objects.get()
        SectionPageFactory(parent=home, title="Economy")
        site = home.get_site()
        site.root_page = Page.objects.get(depth=1)
        site.save()
        with self.assertRaises(archive.NoPublication):
            archive.generate(5)

    def test_a_failure_leaves_the_site_as_it_was(self):
        SectionPageFactory(parent=HomePage.objects.get(), title="Economy")
        pages = Page.objects.count()

        def fail(done, total):
            raise RuntimeError("disk full")

        with self.assertRaises(RuntimeError):
            archive.generate(10, progress=fail)
        self.assertEqual(Page.objects.count(), pages)
        self.assertFalse(SectionPage.objects.get().get_children().exists())

    def test_count_must_be_positive(self):
        with self.assertRaises(ValueError):
            archive.generate(0)
