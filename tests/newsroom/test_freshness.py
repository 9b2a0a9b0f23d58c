"""The age banner: its wording at the boundaries, the site's threshold, and the page cache keeping it on time."""

import zoneinfo
from datetime import date, datetime, time, timedelta

import pytest
from django.db import connection
from django.test import SimpleTestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from caspian.newsroom import freshness, sites
from caspian.newsroom.models import ArticlePage, PublicationSettings
from caspian.pagecache import store

from ..pagecache.helpers import PageCacheTestCase
from .scenario import TIME_ZONE, NewsroomTestCase, html

ZONE = zoneinfo.ZoneInfo(TIME_ZONE)


@pytest.mark.pure
class WordingTests(SimpleTestCase):
    def text(self, published, today, threshold=12):
        return freshness.banner_text(published, today, threshold)

    def test_exactly_twelve_months_is_not_more_than_a_year(self):
        self.assertIsNone(self.text(date(2025, 3, 3), date(2026, 3, 3)))
        self.assertEqual(self.text(date(2025, 3, 3), date(2026, 3, 4)), "This article is more than a year old.")

    def test_wording_from_one_year_on(self):
        published = date(2023, 6, 15)
        cases = [
            (date(2024, 6, 16), "more than a year old"),
            (date(2024, 12, 15), "more than a year old"),  # 18 months exactly: not more than 18 yet
            (date(2024, 12, 16), "more than 18 months old"),
            (date(2025, 5, 16), "more than 18 months old"),  # 23 months and a day
            (date(2025, 6, 15), "more than 18 months old"),  # two years exactly
            (date(2025, 6, 16), "more than 2 years old"),
            (date(2026, 6, 15), "more than 2 years old"),
            (date(2026, 6, 16), "more than 3 years old"),
            (date(2033, 7, 1), "more than 10 years old"),
        ]
        for today, words in cases:
            with self.subTest(today=today):
                self.assertEqual(self.text(published, today), f"This article is {words}.")

    def test_below_a_year_with_a_lower_threshold(self):
        published = date(2026, 1, 10)
        self.assertIsNone(self.text(published, date(2026, 2, 10), threshold=1))
        self.assertEqual(self.text(published, date(2026, 2, 11), threshold=1), "This article is more than a month old.")
        self.assertEqual(
            self.text(published, date(2026, 8, 11), threshold=1), "This article is more than 7 months old."
        )
        self.assertIsNone(self.text(published, date(2026, 8, 11), threshold=8))

    def test_a_threshold_between_wordings_says_the_coarser_true_thing(self):
        published = date(2024, 1, 1)
        self.assertIsNone(self.text(published, date(2025, 4, 1), threshold=15))
        self.assertEqual(self.text(published, date(2025, 4, 2), threshold=15), "This article is more than a year old.")

    def test_leap_days(self):
        # Published on 29 February: a year on is the last day of February.
        self.assertIsNone(self.text(date(2024, 2, 29), date(2025, 2, 28)))
        self.assertEqual(self.text(date(2024, 2, 29), date(2025, 3, 1)), "This article is more than a year old.")
        # Four years on, 29 February comes again.
        self.assertEqual(self.text(date(2024, 2, 29), date(2028, 2, 29)), "This article is more than 3 years old.")
        self.assertEqual(self.text(date(2024, 2, 29), date(2028, 3, 1)), "This article is more than 4 years old.")
        # A year that holds a leap day is still twelve months.
        self.assertIsNone(self.text(date(2023, 3, 1), date(2024, 3, 1)))
        self.assertEqual(self.text(date(2023, 3, 1), date(2024, 3, 2)), "This article is more than a year old.")

    def test_month_ends(self):
        self.assertEqual(freshness.add_months(date(2025, 1, 31), 1), date(2025, 2, 28))
        self.assertEqual(freshness.add_months(date(2024, 1, 31), 1), date(2024, 2, 29))
        self.assertEqual(freshness.add_months(date(2025, 12, 31), 14), date(2027, 2, 28))
        self.assertEqual(freshness.months_older_than(date(2025, 1, 31), date(2025, 2, 28)), 0)
        self.assertEqual(freshness.months_older_than(date(2025, 1, 31), date(2025, 3, 1)), 1)

    def test_zero_turns_it_off(self):
        self.assertIsNone(self.text(date(2000, 1, 1), date(2026, 1, 1), threshold=0))

    def test_new_articles_and_future_dates_have_none(self):
        self.assertIsNone(self.text(date(2026, 3, 3), date(2026, 3, 3)))
        self.assertIsNone(self.text(date(2026, 3, 4), date(2026, 3, 3), threshold=1))


TODAY = date(2026, 3, 3)  # the day these pages are rendered for (see freshness.as_of)


def baku(day, hour=12, minute=0):
    return datetime.combine(day, time(hour, minute), tzinfo=ZONE)


class ArticleBannerTests(NewsroomTestCase):
    def set_published(self, article, when):
        ArticlePage.objects.filter(pk=article.pk).update(first_published_at=when)

    def page(self, article, today=TODAY):
        with freshness.as_of(today):
            return html(self.get(article))

    def banner(self, article, today=TODAY):
        return self.page(article, today).select_one(".age-banner")

    def test_an_old_article_says_how_old_it_is_at_the_top(self):
        article = self.articles[0]
        self.set_published(article, baku(date(2024, 2, 28)))
        page = self.page(article)
        banner = page.select_one(".age-banner")
        self.assertEqual(
            " ".join(banner.get_text().split()),
            "This article is more than 2 years old. It was first published on 28 February 2024.",
        )
        self.assertEqual(banner.find("time")["datetime"], "2024-02-28")
        self.assertEqual(banner["role"], "note")
        self.assertIs(page.select_one(".article").find(True), banner)  # the first thing in the article

    def test_new_articles_have_none(self):
        self.assertIsNone(self.banner(self.articles[0], today=timezone.localdate(timezone=ZONE)))
        self.set_published(self.articles[1], baku(date(2025, 3, 3)))
        self.assertIsNone(self.banner(self.articles[1]))  # exactly a year: not more than a year
        self.assertIsNotNone(self.banner(self.articles[1], today=date(2026, 3, 4)))

    def test_the_dates_are_the_publications(self):
        # 21:30 UTC on 2 March 2025 is 01:30 on 3 March in Baku (UTC+4):
        # there the article is exactly a year old on 3 March 2026, so no banner yet.
        self.set_published(self.articles[0], datetime(2025, 3, 2, 21, 30, tzinfo=zoneinfo.ZoneInfo("UTC")))
        self.assertIsNone(self.banner(self.articles[0]))
        PublicationSettings.objects.filter(site=self.site).update(time_zone="UTC")
        sites.invalidate()  # as saving the settings in the admin does
        self.assertIn("more than a year old", self.banner(self.articles[0]).get_text())

    def test_the_sites_threshold_and_zero_turning_it_off(self):
        article = self.articles[0]
        self.set_published(article, baku(date(2025, 1, 2)))
        publication = PublicationSettings.objects.get(site=self.site)
        self.assertIsNotNone(self.banner(article))
        publication.age_banner_months = 18
        publication.save()
        self.assertIsNone(self.banner(article))
        self.assertIn("more than 18 months old", self.banner(article, today=date(2026, 7, 3)).get_text())
        publication.age_banner_months = 0
        publication.save()
        self.set_published(article, baku(date(2006, 1, 1)))
        self.assertIsNone(self.banner(article))

    def test_the_setting_is_read_from_the_cached_site_settings(self):
        article = self.articles[0]
        self.set_published(article, baku(date(2023, 3, 1)))
        self.banner(article)  # fills the site cache
        with CaptureQueriesContext(connection) as queries:
            banner = self.banner(article)
        self.assertIn("more than 3 years old", banner.get_text())
        settings_queries = [q["sql"] for q in queries if "publicationsettings" in q["sql"].lower()]
        self.assertEqual(settings_queries, [])
        # Saved in the admin, the setting reaches readers at once (the cache is invalidated).
        publication = PublicationSettings.objects.get(site=self.site)
        publication.age_banner_months = 48
        publication.save()
        self.assertIsNone(self.banner(article))


def on_the_brink(today):
    """``(published, months)``: an article published on that day is exactly ``months`` old ``today``.

    Twelve months, or eleven on 29 February (no day is exactly a year before it).
    """
    for months in (12, 11):
        for days in range(300, 400):
            published = today - timedelta(days=days)
            if freshness.add_months(published, months) == today:
                return published, months
    raise AssertionError(f"no day is 11 or 12 months before {today}")


class BannerOnTimeTests(PageCacheTestCase):
    """The banner appears on the day it is due, though the page cache holds the article."""

    # Longer than any day: only the publication's midnight limits how long a page is kept.
    @override_settings(PAGE_CACHE_SECONDS=3 * 24 * 3600)
    def test_a_cached_page_expires_before_its_banner_is_due(self):
        # An article exactly at the threshold today (in the publication's zone): its banner is due at midnight there.
        today = timezone.localdate(timezone=ZONE)
        published, months = on_the_brink(today)
        article = self.articles[0]
        PublicationSettings.objects.filter(site=self.site).update(age_banner_months=months)
        ArticlePage.objects.filter(pk=article.pk).update(first_published_at=baku(published, hour=9))
        due = datetime.combine(today + timedelta(days=1), time.min, tzinfo=ZONE)

        for _ in range(2):
            cached = self.reader.get(article.url, HTTP_HOST="testserver")
        self.assertTrue(cached.hit)
        self.assertNotIn("age-banner", cached.text)
        entry = store.lookup(store.key_for("testserver", article.url, "")).entry
        # Kept until the banner is due, and not a moment longer.
        self.assertLessEqual(entry.expires, due.timestamp())
        self.assertAlmostEqual(entry.expires, due.timestamp(), delta=1)

        # Rendered again then (the entry has expired), the page has it.
        with freshness.as_of(due.date()):
            response = self.client.get(article.url)
        self.assertIn("more than", html(response).select_one(".age-banner").get_text())
