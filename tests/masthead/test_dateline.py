from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone, translation

from caspian.masthead.dateline import date_line

from ..newsroom.scenario import NewsroomTestCase, html


@pytest.mark.pure
def test_english_date_line_reads_like_a_newspaper():
    with timezone.override("UTC"), translation.override("en"):
        assert date_line(datetime(2023, 12, 10, 12, 0, tzinfo=UTC)) == "Sunday, December 10, 2023"


@pytest.mark.pure
def test_date_is_today_where_the_publication_is():
    late_evening_utc = datetime(2023, 12, 10, 22, 30, tzinfo=UTC)
    with timezone.override("Asia/Baku"):
        assert date_line(late_evening_utc, language="en") == "Monday, December 11, 2023"
    with timezone.override("America/New_York"):
        assert date_line(late_evening_utc, language="en") == "Sunday, December 10, 2023"


@pytest.mark.pure
def test_date_line_follows_the_publication_language():
    noon = datetime(2023, 12, 10, 12, 0, tzinfo=UTC)
    with timezone.override("UTC"):
        assert date_line(noon, language="de") == "Sonntag, 10. Dezember 2023"
        assert date_line(noon, language="ru") == "воскресенье, 10 декабря 2023\u202fг."


@pytest.mark.pure
def test_unknown_language_falls_back_to_english():
    with timezone.override("UTC"):
        assert date_line(datetime(2023, 12, 10, tzinfo=UTC), language="xx-invalid") == "Sunday, December 10, 2023"


class MastheadDateTests(NewsroomTestCase):
    def test_masthead_shows_today_in_the_site_time_zone(self):
        time_tag = html(self.get(self.articles[0])).select_one(".masthead__date time")
        today = timezone.localdate(timezone.now(), ZoneInfo("Asia/Baku"))
        self.assertEqual(time_tag["datetime"], today.isoformat())
        self.assertIn(str(today.year), time_tag.get_text())
        self.assertIn(f" {today.day}, ", time_tag.get_text())

    def test_page_language_is_the_publication_language(self):
        from caspian.newsroom.models import PublicationSettings

        PublicationSettings.objects.filter(site=self.site).update(language="de")
        page = html(self.get("/"))
        self.assertEqual(page.find("html")["lang"], "de")
        weekday = page.select_one(".masthead__date time").get_text().split(",")[0]
        self.assertIn(weekday, {"Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"})
