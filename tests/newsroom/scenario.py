"""A small publication built once per test class, the way editors would set one up."""

from datetime import timedelta

from bs4 import BeautifulSoup
from django.contrib.contenttypes.models import ContentType
from django.db.models import F
from django.test import TestCase
from django.utils import timezone
from taggit.models import Tag
from wagtail.models import Page, Site
from wagtail.rich_text import RichText

from caspian.masthead.models import MastheadSettings
from caspian.newsroom.factories import (
    ArticlePageFactory,
    AuthorIndexPageFactory,
    AuthorPageFactory,
    NewsImageFactory,
    SectionPageFactory,
    StandardPageFactory,
)
from caspian.newsroom.models import (
    ArticleByline,
    ArticlePage,
    ArticleTag,
    HomePage,
    MustReadPick,
    PublicationSettings,
)

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
    def make_archive(cls, count, start=0):
        """Like :meth:`make_articles`, about fifty times faster: for archives of a thousand articles or more.

        The rows are written in bulk, the way a fixture is loaded: the
        articles are live, filed in their sections' year folders, with
        bylines, tags and a lead image (shared with the first articles),
        but without revisions or search index entries. Returns nothing.
        """
        images = [article.lead_image_id for article in cls.articles if article.lead_image_id] or [None]
        tags = {
            name: Tag.objects.get_or_create(name=name, defaults={"slug": name.lower()})[0] for name in ("Ports", "Rail")
        }
        content_type = ContentType.objects.get_for_model(ArticlePage)
        by_folder = {}
        for n in range(start, start + count):
            section = cls.caucasus if n % 3 else cls.central_asia
            published = cls.now - timedelta(hours=n + 1)
            folder = section.year_folder(timezone.localtime(published).year)
            by_folder.setdefault(folder.pk, (folder, section, []))[2].append((n, published))
        for folder, section, numbered in by_folder.values():
            folder = Page.objects.get(pk=folder.pk)  # numchild as it is now
            pages = Page.objects.bulk_create(
                Page(
                    title=f"Archived article {n}",
                    draft_title=f"Archived article {n}",
                    slug=f"archived-article-{n}",
                    content_type=content_type,
                    locale_id=folder.locale_id,
                    path=Page._get_path(folder.path, folder.depth + 1, folder.numchild + position),
                    depth=folder.depth + 1,
                    numchild=0,
                    url_path=f"{folder.url_path}archived-article-{n}/",
                    live=True,
                    first_published_at=published,
                    last_published_at=published,
                )
                for position, (n, published) in enumerate(numbered, start=1)
            )
            Page.objects.filter(pk=folder.pk).update(numchild=F("numchild") + len(pages))
            body = [("paragraph", RichText("<p>The first paragraph of the story.</p>"))]
            for page, (n, _published) in zip(pages, numbered, strict=True):
                article = ArticlePage(
                    page_ptr_id=page.pk,
                    standfirst=f"The summary of archived article {n}.",
                    dateline="BAKU",
                    body=body,
                    section=section,
                    lead_image_id=images[n % len(images)],
                    lead_image_alt="A generated test illustration" if images[0] else "",
                )
                article.save_base(raw=True, force_insert=True)  # the article's own row, as loaddata does
            ArticleByline.objects.bulk_create(ArticleByline(page_id=page.pk, author=cls.author) for page in pages)
            ArticleTag.objects.bulk_create(
                ArticleTag(content_object_id=page.pk, tag=tags["Ports" if n % 2 == 0 else "Rail"])
                for page, (n, _published) in zip(pages, numbered, strict=True)
            )

    @classmethod
    def pick_must_read(cls, *articles):
        for order, article in enumerate(articles):
            MustReadPick.objects.create(page=cls.home, article=article, sort_order=order)

    def get(self, page_or_url, **kwargs):
        url = page_or_url if isinstance(page_or_url, str) else page_or_url.url
        response = self.client.get(url, **kwargs)
        self.assertEqual(response.status_code, 200, url)
        return response
