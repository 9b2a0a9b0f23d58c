"""The newsroom scenario with what the API shows besides articles: a live blog, a topic, a correction.

Also what it must never show: a draft, an article in a private section and
another site's article.
"""

from datetime import timedelta
from urllib.parse import urlsplit

from django.test import override_settings
from wagtail.models import Page, PageViewRestriction, Site

from caspian.newsroom.factories import (
    ArticlePageFactory,
    LiveBlogEntryFactory,
    LiveBlogPageFactory,
    SectionPageFactory,
    TopicPageFactory,
)
from caspian.newsroom.models import ArticleCorrection, ArticlePage, HomePage
from tests.newsroom.scenario import NewsroomTestCase


@override_settings(API_CORS_ORIGINS=["https://app.example.org"])
class ApiTestCase(NewsroomTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.topic = TopicPageFactory(parent=cls.home, title="Caspian ports")
        first = ArticlePage.objects.get(pk=cls.articles[0].pk)
        first.topics.add(cls.topic)
        first.save()
        cls.correction = ArticleCorrection.objects.create(
            article=cls.articles[1], published_at=cls.now - timedelta(minutes=30), text="The vote is on 3 March."
        )
        cls.live_blog = LiveBlogPageFactory(
            section=cls.caucasus,
            authors=[cls.second_author],
            first_published_at=cls.now - timedelta(minutes=10),
            entries=[
                LiveBlogEntryFactory.build(posted_at=cls.now - timedelta(minutes=9 - n), author=cls.author)
                for n in range(3)
            ],
        )
        cls.draft = ArticlePageFactory(section=cls.caucasus, authors=[cls.author], title="Draft story", live=False)
        cls.private_section = SectionPageFactory(parent=cls.home, title="Staff only")
        PageViewRestriction.objects.create(page=cls.private_section, restriction_type="login")
        cls.private = ArticlePageFactory(section=cls.private_section, authors=[cls.author], title="Private story")
        other_home = Page.objects.get(depth=1).add_child(instance=HomePage(title="Other", slug="other"))
        Site.objects.create(hostname="other.example", root_page=other_home, site_name="Other")
        other_section = SectionPageFactory(parent=other_home, title="Elsewhere")
        cls.foreign = ArticlePageFactory(section=other_section, title="Another site's story")
        for hidden in (cls.draft, cls.private, cls.foreign):  # corrections no one may see in this site's log
            ArticleCorrection.objects.create(article=hidden, text=f"A correction to {hidden.title}.")

    def api(self, path, status=200, **headers):
        """GET an API address (relative to /api/v1/, or absolute as in ``next``): its JSON, status checked."""
        if path.startswith("http"):
            parts = urlsplit(path)
            path = f"{parts.path}?{parts.query}"
        response = self.client.get(path if path.startswith("/") else f"/api/v1/{path}", **headers)
        self.assertEqual(response.status_code, status, response.content[:500])
        return response.json() if response.content else None
