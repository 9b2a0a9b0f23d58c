"""Honest dates: the first publication time never moves; only material updates move "Updated" and dateModified."""

import io
import json
from datetime import UTC, datetime, timedelta

from django.core.management import call_command
from django.utils import timezone

from caspian.newsroom.factories import ArticlePageFactory
from caspian.newsroom.models import ArticlePage, ArticleUpdate
from caspian.wordpress.importer import import_export
from caspian.wordpress.models import ImportedObject

from ..wordpress.helpers import export, item
from .scenario import NewsroomTestCase, html


def shown_dates(response):
    """What readers and robots are told: the page's Published/Updated times, JSON-LD and Open Graph dates."""
    page = html(response)
    news = next(
        entry
        for script in page.find_all("script", type="application/ld+json")
        for entry in json.loads(script.string).get("@graph", [])
        if entry["@type"] == "NewsArticle"
    )
    updated = page.select_one(".article__updated time")
    return {
        "published": datetime.fromisoformat(page.select_one(".article__published time")["datetime"]),
        "updated": datetime.fromisoformat(updated["datetime"]) if updated else None,
        "datePublished": datetime.fromisoformat(news["datePublished"]),
        "dateModified": datetime.fromisoformat(news["dateModified"]),
        "og:modified": datetime.fromisoformat(page.find("meta", property="article:modified_time")["content"]),
    }


def seconds(value):
    """To the second, as pages show times."""
    return value.replace(microsecond=0)


class HonestDatesTestCase(NewsroomTestCase):
    def fresh(self, article):
        return ArticlePage.objects.get(pk=article.pk)

    def publish(self, article, **changes):
        article = self.fresh(article)
        for field, value in changes.items():
            setattr(article, field, value)
        revision = article.save_revision()
        revision.publish()
        return self.fresh(article)

    def new_story(self, title="Caspian summit moves to Aktau"):
        """A draft never published, then published through Wagtail: its first publication is now."""
        draft = ArticlePageFactory(
            title=title,
            section=self.caucasus,
            authors=[self.author],
            live=False,
            first_published_at=None,
            last_published_at=None,
        )
        self.assertIsNone(draft.first_published_at)
        article = self.publish(draft)
        self.assertAlmostEqual(article.first_published_at, timezone.now(), delta=timedelta(minutes=1))
        return article


class FirstPublicationTests(HonestDatesTestCase):
    def assert_first_published(self, article, expected):
        article = self.fresh(article)
        self.assertEqual(article.first_published_at, expected)
        dates = shown_dates(self.get(article))
        self.assertEqual(dates["published"], seconds(expected))
        self.assertEqual(dates["datePublished"], expected)

    def test_republishing_keeps_it(self):
        article = self.new_story()
        first = article.first_published_at
        self.publish(article, standfirst="A new summary.")
        self.publish(article, title="Caspian summit moves to Aktau, officials say")
        self.assert_first_published(article, first)
        self.assertGreater(self.fresh(article).last_published_at, first)

    def test_unpublishing_and_publishing_again_keeps_it(self):
        article = self.new_story()
        first = article.first_published_at
        article.unpublish()
        self.assertEqual(self.client.get(article.url).status_code, 404)
        self.publish(article)
        self.assert_first_published(article, first)

    def test_publishing_an_older_revision_keeps_it(self):
        article = self.new_story()
        first = article.first_published_at
        first_revision = article.live_revision  # saved before the first publication
        second_revision = self.publish(article, title="A second headline").live_revision  # saved after it
        self.publish(article, title="A third headline")
        for revision, title in ((second_revision, "A second headline"), (first_revision, article.title)):
            revision.publish()  # revert, as "Publish this version" in the history does
            self.assertEqual(self.fresh(article).title, title)
            self.assert_first_published(article, first)

    def test_a_revision_saved_before_the_first_publication_keeps_it(self):
        draft = ArticlePageFactory(
            section=self.caucasus, authors=[self.author], live=False, first_published_at=None, last_published_at=None
        )
        early = draft.save_revision()  # a draft revision: no publication time in it yet
        self.assertIsNone(early.content["first_published_at"])
        article = self.publish(draft, title="Published at last")
        first = article.first_published_at
        early.publish()
        self.assert_first_published(article, first)

    def test_a_scheduled_republication_keeps_it(self):
        article = self.new_story()
        first = article.first_published_at
        article = self.fresh(article)
        article.title = "Summit rescheduled"
        article.save_revision(approved_go_live_at=timezone.now() - timedelta(seconds=1))
        call_command("publish_scheduled", verbosity=0)
        self.assertEqual(self.fresh(article).title, "Summit rescheduled")
        self.assert_first_published(article, first)

    def test_copying_leaves_the_source_alone_and_the_copy_is_a_new_story(self):
        source = self.publish(self.articles[3], standfirst="A revision that holds the first publication time.")
        first = source.first_published_at
        folder = source.get_parent()
        draft_copy = self.fresh(source).copy(
            to=folder, update_attrs={"slug": "a-copy", "title": "A copy"}, keep_live=False
        )
        self.assertIsNone(draft_copy.first_published_at)  # not live until published
        # The revisions copied from the source hold the source's time; publishing one must not take it.
        copied = draft_copy.revisions.order_by("created_at", "pk").first()
        self.assertIsNotNone(copied.content["first_published_at"])
        self.assertIsNone(self.fresh(draft_copy).with_content_json(copied.content).first_published_at)
        self.assertGreater(self.publish(draft_copy).first_published_at, first)
        live_copy = self.fresh(source).copy(to=folder, update_attrs={"slug": "a-live-copy", "title": "A live copy"})
        self.assertGreater(live_copy.first_published_at, first)  # kept live: a new story, published now
        self.assert_first_published(source, first)

    def test_reimporting_a_changed_wordpress_post_keeps_it(self):
        posted = datetime(2024, 5, 1, 10, 0)
        import_export(io.BytesIO(export(item(101, "Ferries return", date=posted))))
        article = ImportedObject.objects.get(kind="post", wp_id="101").target.specific
        first = article.first_published_at
        self.assertEqual(first, datetime(2024, 5, 1, 6, 0, tzinfo=UTC))  # post_date_gmt
        # Edited in WordPress, with the post's date moved: an update, not a new publication.
        changed = item(101, "Ferries return to Aktau", slug="ferries-return", date=posted + timedelta(days=2))
        summary = import_export(io.BytesIO(export(changed)))
        self.assertEqual(summary.count("posts", "updated"), 1)
        article = self.fresh(article)
        self.assertEqual(article.title, "Ferries return to Aktau")
        self.assert_first_published(article, first)

    def test_reimporting_a_post_first_published_meanwhile_uses_its_date(self):
        posted = datetime(2024, 5, 1, 10, 0)
        import_export(io.BytesIO(export(item(102, "Port plans", status="draft", date=posted))))
        article = ImportedObject.objects.get(kind="post", wp_id="102").target.specific
        self.assertIsNone(article.first_published_at)
        import_export(io.BytesIO(export(item(102, "Port plans", status="publish", date=posted))))
        self.assert_first_published(article, datetime(2024, 5, 1, 6, 0, tzinfo=UTC))


class MaterialUpdateTests(HonestDatesTestCase):
    def test_a_routine_republication_changes_no_date_readers_or_robots_see(self):
        article = self.articles[0]
        before = shown_dates(self.get(article))
        self.assertIsNone(before["updated"])
        self.assertEqual(before["dateModified"], before["datePublished"])
        article = self.publish(article, standfirst="A summary with a typo fixed.")
        after = shown_dates(self.get(article))
        self.assertEqual(after, before)
        self.assertGreater(article.last_published_at, article.first_published_at)  # it was republished

    def test_a_material_update_moves_updated_and_date_modified(self):
        article = self.publish(self.articles[0], update_note="Adds the ministry's response.")
        dates = shown_dates(self.get(article))
        self.assertEqual(dates["updated"], seconds(article.updated_at))
        self.assertEqual(dates["dateModified"], article.updated_at)
        self.assertEqual(dates["og:modified"], seconds(article.updated_at))
        self.assertEqual(dates["datePublished"], article.first_published_at)
        self.assertGreater(article.updated_at, article.first_published_at)

    def test_a_routine_republication_after_an_update_keeps_the_update_time(self):
        article = self.publish(self.articles[0], update_note="Adds the ministry's response.")
        updated = shown_dates(self.get(article))
        article = self.publish(article, standfirst="A typo fixed.")
        self.assertEqual(shown_dates(self.get(article)), updated)

    def test_publishing_an_older_revision_keeps_the_update_time(self):
        article = self.fresh(self.articles[0])
        old = article.save_revision()
        old.publish()
        article = self.publish(article, update_note="Adds the ministry's response.")
        updated = shown_dates(self.get(article))
        old.publish()
        self.assertEqual(shown_dates(self.get(article)), updated)
        self.assertEqual(ArticleUpdate.objects.filter(article=article).count(), 1)

    def test_the_update_log_at_the_foot_lists_material_updates_only(self):
        article = self.publish(self.articles[0], update_note="Adds the ministry's response.")
        article = self.publish(article, standfirst="A typo fixed.")
        article = self.publish(article, update_note="Adds figures from the port authority.")
        page = html(self.get(article))
        log = page.select_one(".article__updates")
        items = [" ".join(li.get_text().split()) for li in log.select("li")]
        self.assertEqual(len(items), 2)
        self.assertTrue(items[0].endswith("Adds the ministry's response."))
        self.assertTrue(items[1].endswith("Adds figures from the port authority."))
        updates = list(ArticleUpdate.objects.filter(article=article))
        times = [li.find("time")["datetime"] for li in log.select("li")]
        self.assertEqual([datetime.fromisoformat(t) for t in times], [seconds(u.published_at) for u in updates])
        # At the foot: after the body.
        self.assertIn(page.select_one(".article__body"), log.find_all_previous())
        # The "Updated" time is the latest material update.
        self.assertEqual(shown_dates(self.get(article))["updated"], seconds(updates[-1].published_at))
