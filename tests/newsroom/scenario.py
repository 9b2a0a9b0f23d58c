"""A small publication built once per test class, the way editors would set one up."""

from datetime import timedelta

from bs4 import BeautifulSoup
from django.test import TestCase
from django.utils import timezone
from wagtail.models import Site

from caspian.masthead.models import MastheadSettings
from caspian.newsroom.factories import (
    ArticlePageFactory,
    AuthorIndexPageFactory,
    AuthorPageFactory,
    NewsImageFactory,
    SectionPageFactory,
    StandardPageFactory,
)
from caspian.newsroom.models import HomePage, MustReadPick, PublicationSettings

TIME_ZONE = "Asia/Baku"  # UTC+4: times on the page must differ from UTC


def html(response):
    return BeautifulSoup(response.content, "html.parser")


class NewsroomTestCase(TestCase):
    """Home, two sections, two authors and ``article_count`` articles, newest first.

    ``cls.articles[0]`` is the newest. Every article has a lead image;
    even-numbered ones are tagged "Ports", odd ones "Rail".
    """

    article_count = 6

    @classmethod
    def setUpTestData(cls):
        cls.site = Site.objects.get(is_default_site=True)
        cls.site.site_name = "The Caspian Times"
        cls.site.save()
        cls.home = HomePage.objects.get()
        PublicationSettings.objects.create(
            site=cls.site, tagline="Independent journalism from across Eurasia", time_zone=TIME_ZONE, language="en"
        )
        MastheadSettings.objects.create(site=cls.site, weather_city="Munich", latitude=48.13743, longitude=11.57549)
        cls.caucasus = SectionPageFactory(parent=cls.home, title="South Caucasus")
        cls.central_asia = SectionPageFactory(parent=cls.home, title="Central Asia")
        cls.about = StandardPageFactory(parent=cls.home, title="About us", slug="about", introduction="Who we are.")
        authors_index = AuthorIndexPageFactory(parent=cls.home)
        cls.author = AuthorPageFactory(
            parent=authors_index,
            title="Nino Kapanadze",
            bio="Nino covers the South Caucasus from Tbilisi.",
            website="https://nino.example.org/",
            photo=NewsImageFactory(title="Nino"),
        )
        cls.second_author = AuthorPageFactory(parent=authors_index, title="Timur Saidov")
        cls.now = timezone.now()
        cls.articles = cls.make_articles(cls.article_count)

    @classmethod
    def make_articles(cls, count, start=0):
        return [
            ArticlePageFactory(
                section=cls.caucasus if n % 3 else cls.central_asia,
                authors=[cls.author],
                tags=["Ports" if n % 2 == 0 else "Rail"],
                with_image=True,
                first_published_at=cls.now - timedelta(hours=n + 1),
            )
            for n in range(start, start + count)
        ]

    @classmethod
    def pick_must_read(cls, *articles):
        for order, article in enumerate(articles):
            MustReadPick.objects.create(page=cls.home, article=article, sort_order=order)

    def get(self, page_or_url, **kwargs):
        url = page_or_url if isinstance(page_or_url, str) else page_or_url.url
        response = self.client.get(url, **kwargs)
        self.assertEqual(response.status_code, 200, url)
        return response
