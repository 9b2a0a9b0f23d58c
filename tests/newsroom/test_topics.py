"""Topic pages: the timeline of key dates, the live blogs and the articles of a running story; links to them."""

from datetime import date, timedelta

from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from caspian.newsroom.factories import (
    LiveBlogPageFactory,
    NewsImageFactory,
    StandardPageFactory,
    TimelineEventFactory,
    TopicPageFactory,
)
from caspian.newsroom.models import ArticlePage, TopicPage
from caspian.newsroom.pagination import LISTING_PAGE_SIZE
from tests.pagecache.helpers import PageCacheTestCase

from .scenario import NewsroomTestCase, html


def in_topic(topic, *articles):
    """Put already published ``articles`` in ``topic`` (as publishing them with it ticked does)."""
    through = ArticlePage.topics.through
    through.objects.bulk_create(through(articlepage_id=article.pk, topicpage_id=topic.pk) for article in articles)


class TopicScenario:
    @classmethod
    def make_topic(cls):
        cls.topic = TopicPageFactory(
            parent=cls.home,
            title="Caspian ferry strike",
            intro="Crews on the Baku–Aktau line stopped work over pay.",
            lead_image=NewsImageFactory(title="Ferries at anchor", description="Three ferries at anchor off Baku"),
        )
        cls.unpublished = StandardPageFactory(parent=cls.home, title="Background", slug="background", live=False)
        cls.topic.timeline = [
            TimelineEventFactory.build(date=date(2026, 3, 1), title="Talks begin", page=cls.articles[3]),
            TimelineEventFactory.build(date=date(2026, 5, 2), title="Strike called", text="The union votes to strike."),
            TimelineEventFactory.build(date=date(2026, 4, 9), title="Offer rejected", page=cls.unpublished),
        ]
        cls.topic.save()
        # Two live blogs, the open one started before the closed one.
        cls.open_blog = LiveBlogPageFactory(
            title="Strike day: live",
            section=cls.caucasus,
            authors=[cls.author],
            topics=[cls.topic],
            first_published_at=cls.now - timedelta(days=2),
        )
        cls.closed_blog = LiveBlogPageFactory(
            title="Vote count: live",
            section=cls.caucasus,
            authors=[cls.author],
            topics=[cls.topic],
            first_published_at=cls.now - timedelta(minutes=30),
            closed=True,
        )
        in_topic(cls.topic, cls.articles[1], cls.articles[3], cls.articles[4])


class TopicPageTests(TopicScenario, NewsroomTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.make_topic()

    def test_title_intro_and_lead_image(self):
        response = self.get(self.topic)
        self.assertTemplateUsed(response, "newsroom/topic_page.html")
        page = html(response)
        self.assertEqual(page.select_one("h1").get_text(), "Caspian ferry strike")
        self.assertEqual(page.select_one(".listing__intro").get_text(), self.topic.intro)
        self.assertEqual(page.select_one(".topic__lead-image img")["alt"], "Three ferries at anchor off Baku")

    def test_timeline_newest_first_linking_to_published_pages(self):
        page = html(self.get(self.topic))
        events = page.select(".timeline__event")
        self.assertEqual(
            [event.select_one(".timeline__title").get_text() for event in events],
            ["Strike called", "Offer rejected", "Talks begin"],
        )
        self.assertEqual(events[0].select_one("time")["datetime"], "2026-05-02")
        self.assertEqual(events[0].select_one(".timeline__text").get_text(), "The union votes to strike.")
        self.assertIsNone(events[0].select_one("a"))  # no page
        self.assertIsNone(events[1].select_one("a"))  # a page not published
        self.assertEqual(events[2].select_one("a")["href"], self.articles[3].url)

    def test_live_blogs_open_first_and_labelled_live(self):
        page = html(self.get(self.topic))
        cards = page.select(".topic__live-blogs .card")
        self.assertEqual(
            [card.select_one(".card__title a").get_text() for card in cards], ["Strike day: live", "Vote count: live"]
        )
        self.assertEqual(cards[0].select_one(".live-label").get_text(), "Live")
        self.assertIsNone(cards[1].select_one(".live-label"))

    def test_articles_newest_first_live_blogs_among_them(self):
        page = html(self.get(self.topic))
        titles = [link.get_text() for link in page.select(".topic__articles .card__title a")]
        expected = [self.closed_blog, self.articles[1], self.articles[3], self.articles[4], self.open_blog]
        self.assertEqual(titles, [article.title for article in expected])
        self.assertNotIn(self.articles[0].title, titles)  # not in the topic

    def test_articles_come_a_page_at_a_time(self):
        more = self.make_articles(LISTING_PAGE_SIZE, start=self.article_count)
        in_topic(self.topic, *more)
        first = html(self.get(self.topic))
        self.assertEqual(len(first.select(".topic__articles .card")), LISTING_PAGE_SIZE)
        older = first.select_one(".pagination a[rel=next]")["href"]
        second = html(self.get(self.topic.url + older))
        self.assertEqual(len(second.select(".topic__articles .card")), 5)
        self.assertIsNone(second.select_one(".timeline"))  # the key dates and live blogs head the first page only
        self.assertIsNone(second.select_one(".topic__live-blogs"))
        self.assertEqual(second.select_one(".pagination a[rel=prev]")["href"], self.topic.url)

    def test_a_draft_or_private_article_is_not_listed(self):
        draft = ArticlePage.objects.get(pk=self.articles[4].pk)
        draft.unpublish()
        titles = [link.get_text() for link in html(self.get(self.topic)).select(".topic__articles .card__title a")]
        self.assertNotIn(draft.title, titles)

    def test_same_query_count_with_5_and_25_articles(self):
        def count():
            self.client.get(self.topic.url)
            with CaptureQueriesContext(connection) as queries:
                self.assertEqual(self.client.get(self.topic.url).status_code, 200)
            return len(queries)

        few = count()
        in_topic(self.topic, *self.make_articles(20, start=self.article_count))
        self.assertEqual(count(), few)

    def test_a_topic_not_saved_yet_can_be_previewed(self):
        topic = TopicPage(title="A new story", slug="a-new-story", intro="Coming soon.")
        topic.timeline = [TimelineEventFactory.build(date=date(2026, 1, 1), title="First day")]
        response = topic.make_preview_request()
        self.assertEqual(response.status_code, 200)
        self.assertIn(b"First day", response.content)


class ArticleTopicLinkTests(TopicScenario, NewsroomTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.make_topic()

    def test_an_article_says_which_topics_it_is_part_of(self):
        page = html(self.get(self.articles[1]))
        part_of = page.select_one(".article .part-of")
        self.assertEqual(part_of.get_text(strip=True), "Part of:Caspian ferry strike")
        self.assertEqual(part_of.select_one("a")["href"], self.topic.url)
        self.assertIsNone(html(self.get(self.articles[0])).select_one(".part-of"))

    def test_only_published_topics_are_linked(self):
        hidden = TopicPageFactory(parent=self.home, title="Hidden story", live=False)
        in_topic(hidden, self.articles[0])
        self.assertIsNone(html(self.get(self.articles[0])).select_one(".part-of"))
        self.assertNotIn("Hidden story", html(self.get(self.articles[0])).get_text())

    # Rendered each time: the topics are added behind the page's back, and a kept article part would hide them.
    @override_settings(FRAGMENT_CACHE=False)
    def test_the_topic_line_costs_one_query_however_many_topics(self):
        def count(article):
            self.client.get(article.url)
            with CaptureQueriesContext(connection) as queries:
                self.client.get(article.url)
            return len(queries)

        one = count(self.articles[1])
        for n in range(3):
            in_topic(TopicPageFactory(parent=self.home, title=f"Another story {n}"), self.articles[1])
        self.assertEqual(len(html(self.get(self.articles[1])).select(".part-of a")), 4)
        self.assertEqual(count(self.articles[1]), one)


class TopicCacheTests(TopicScenario, PageCacheTestCase):
    """A cached topic page is rendered again when an article joins, leaves or is taken down."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.make_topic()

    def test_publishing_a_new_article_in_the_topic(self):
        self.cached(self.topic.url)
        draft = self.new_draft("Ferries sail again")
        draft.topics = [self.topic]
        draft.save()
        self.publish(draft)
        self.assert_fresh(self.topic.url, expected="Ferries sail again")

    def test_an_article_leaving_the_topic(self):
        article = self.articles[1]
        self.cached(self.topic.url)
        self.publish(article, topics=[])
        self.assert_fresh(self.topic.url, absent=article.title)

    def test_unpublishing_an_article_of_the_topic(self):
        article = self.articles[3]
        self.cached(self.topic.url)
        with self.captureOnCommitCallbacks(execute=True):
            ArticlePage.objects.get(pk=article.pk).unpublish()
        self.assert_fresh(self.topic.url, absent=article.title)

    def test_an_article_elsewhere_leaves_the_topic_page_cached(self):
        self.cached(self.topic.url)
        self.publish(self.articles[0], title="A story about something else")
        self.assertTrue(self.reader.get(self.topic.url).hit)
