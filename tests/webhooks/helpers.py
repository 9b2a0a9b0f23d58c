"""A small publication with one partner endpoint, built once per test class, and an editor's publishing moves."""

from django.test import TestCase
from wagtail.models import Site

from caspian.newsroom.factories import (
    ArticlePageFactory,
    AuthorPageFactory,
    LiveBlogEntryFactory,
    LiveBlogPageFactory,
    SectionPageFactory,
)
from caspian.newsroom.models import HomePage
from caspian.webhooks.models import EVENT_TYPES, Endpoint, Event

ALL_EVENTS = [event for event, _ in EVENT_TYPES]


class WebhooksTestCase(TestCase):
    """A section with a published article and a live blog, and ``cls.endpoint`` subscribed to every event.

    The endpoint's address is never contacted in these tests unless a test
    points it at a receiver.
    """

    @classmethod
    def setUpTestData(cls):
        cls.site = Site.objects.get(is_default_site=True)
        cls.home = HomePage.objects.get()
        cls.section = SectionPageFactory(parent=cls.home, title="South Caucasus")
        cls.author = AuthorPageFactory(parent=cls.home, title="Leyla Aliyeva")
        cls.article = ArticlePageFactory(
            section=cls.section, authors=[cls.author], title="Ferry to Aktau resumes", standfirst="After a year."
        )
        cls.live_blog = LiveBlogPageFactory(
            section=cls.section, authors=[cls.author], title="Live: the vote", entries=[LiveBlogEntryFactory.build()]
        )
        cls.endpoint = Endpoint.objects.create(
            url="http://127.0.0.1:9/hooks",
            description="Partner app",
            owner_email="dev@partner.example",
            events=ALL_EVENTS,
        )

    def publish(self, page, **changes):
        """Publish ``page`` as an editor does: a revision of it with ``changes``, then publish it.

        The commit callbacks run, as at the end of the editor's request.
        Returns the page as stored.
        """
        for field, value in changes.items():
            setattr(page, field, value)
        with self.captureOnCommitCallbacks(execute=True):
            page.save_revision().publish()
        return type(page).objects.get(pk=page.pk)

    def draft(self, **kwargs):
        """A new article, never published."""
        return ArticlePageFactory(
            section=self.section,
            authors=[self.author],
            live=False,
            first_published_at=None,
            last_published_at=None,
            **kwargs,
        )

    def events(self):
        """``(type, data)`` of the events recorded, oldest first."""
        return [(event.type, event.payload["data"]) for event in Event.objects.order_by("pk")]

    def event_types(self):
        return [event_type for event_type, _ in self.events()]
