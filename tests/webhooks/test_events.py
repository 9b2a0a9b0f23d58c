"""Which publishing moves become which events, what each says, and that nothing is recorded for nobody."""

from datetime import timedelta

from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction, Site

from caspian.newsroom.factories import ArticlePageFactory, LiveBlogEntryFactory, SectionPageFactory
from caspian.newsroom.models import ArticleCorrection, ArticlePage, HomePage, LiveBlogEntry, LiveBlogPage
from caspian.newsroom.tasks import publish_scheduled
from caspian.webhooks import events
from caspian.webhooks.models import Delivery, Endpoint, Event

from .helpers import WebhooksTestCase


class EventTests(WebhooksTestCase):
    def test_a_first_publication_is_article_published_with_the_article_described(self):
        draft = self.draft(title="Caspian summit opens in Baku", standfirst="Five leaders meet.")
        article = self.publish(draft)
        [(event_type, data)] = self.events()
        self.assertEqual(event_type, "article.published")
        self.assertEqual(data["id"], article.pk)
        self.assertEqual(data["kind"], "article")
        self.assertEqual(data["headline"], "Caspian summit opens in Baku")
        self.assertEqual(data["standfirst"], "Five leaders meet.")
        self.assertEqual(data["url"], article.get_full_url())
        self.assertEqual(data["section"], {"id": self.section.pk, "title": "South Caucasus"})
        self.assertEqual(data["first_published_at"], events.iso(article.first_published_at))
        self.assertEqual(data["last_updated_at"], data["first_published_at"])
        self.assertEqual(data["api_url"], f"{self.site.root_url}/api/v1/articles/{article.pk}/")
        event = Event.objects.get()
        self.assertEqual(event.payload["type"], "article.published")
        self.assertTrue(event.payload["timestamp"].endswith("Z"))
        self.assertTrue(event.message_id.startswith("msg_"))
        delivery = Delivery.objects.get()
        self.assertEqual((delivery.endpoint, delivery.status), (self.endpoint, Delivery.PENDING))
        self.assertLessEqual(delivery.next_attempt_at, timezone.now())

    @override_settings(BASE_URL="https://news.example.org")
    def test_an_article_on_another_site_links_to_the_api_on_that_site(self):
        other_home = Page.objects.get(depth=1).add_child(instance=HomePage(title="Caspian Weekly", slug="weekly"))
        Site.objects.create(hostname="weekly.example.org", port=443, root_page=other_home, site_name="Weekly")
        section = SectionPageFactory(parent=other_home, title="Business")
        draft = ArticlePageFactory(
            section=section, authors=[self.author], live=False, first_published_at=None, last_published_at=None
        )
        article = self.publish(draft)
        [(_, data)] = self.events()
        self.assertTrue(data["url"].startswith("https://weekly.example.org/"))
        self.assertEqual(data["api_url"], f"https://weekly.example.org/api/v1/articles/{article.pk}/")

    def test_a_routine_republication_is_no_event_and_a_material_update_is_article_updated(self):
        self.publish(self.article, standfirst="After a year, with a typo fixed.")
        self.assertEqual(self.events(), [])
        article = self.publish(self.article, update_note="Adds the timetable.")
        [(event_type, data)] = self.events()
        self.assertEqual(event_type, "article.updated")
        self.assertEqual(data["update"]["note"], "Adds the timetable.")
        self.assertEqual(data["update"]["published_at"], events.iso(article.updated_at))
        self.assertEqual(data["last_updated_at"], events.iso(article.updated_at))
        self.assertNotEqual(data["last_updated_at"], data["first_published_at"])

    def test_a_published_correction_is_article_corrected(self):
        article = ArticlePage.objects.get(pk=self.article.pk)
        when = timezone.now() - timedelta(hours=1)
        article.corrections.add(ArticleCorrection(published_at=when, text="The ferry sails from Aktau, not Aqtau."))
        with self.captureOnCommitCallbacks(execute=True):
            article.save_revision()  # a draft: readers (and partners) see nothing yet
        self.assertEqual(self.events(), [])
        self.publish(article)
        [(event_type, data)] = self.events()
        self.assertEqual(event_type, "article.corrected")
        correction = ArticleCorrection.objects.get()
        self.assertEqual(
            data["correction"],
            {"id": correction.pk, "text": "The ferry sails from Aktau, not Aqtau.", "published_at": events.iso(when)},
        )
        self.publish(ArticlePage.objects.get(pk=article.pk))  # published again: the same correction is no news
        self.assertEqual(self.event_types(), ["article.corrected"])

    def test_a_correction_in_the_first_publication_is_part_of_the_new_story(self):
        draft = self.draft()
        draft.corrections.add(ArticleCorrection(text="Already corrected before it went out."))
        self.publish(draft)
        self.assertEqual(self.event_types(), ["article.published"])

    def test_unpublishing_and_publishing_again(self):
        page = Page.objects.get(pk=self.article.pk)
        with self.captureOnCommitCallbacks(execute=True):
            page.unpublish()
        [(event_type, data)] = self.events()
        self.assertEqual(
            (event_type, data["id"], data["headline"]),
            ("article.unpublished", self.article.pk, "Ferry to Aktau resumes"),
        )
        self.publish(self.article)
        self.assertEqual(self.event_types(), ["article.unpublished", "article.published"])

    def test_deleting_a_published_article_or_live_blog_is_one_event_each(self):
        url = self.article.get_full_url()
        with self.captureOnCommitCallbacks(execute=True):
            Page.objects.get(pk=self.article.pk).delete()
            Page.objects.get(pk=self.live_blog.pk).delete()
        self.assertEqual(
            [(t, d["id"], d["kind"]) for t, d in self.events()],
            [("article.deleted", self.article.pk, "article"), ("article.deleted", self.live_blog.pk, "live_blog")],
        )
        self.assertEqual(self.events()[0][1]["url"], url)

    def test_deleting_a_draft_never_published_is_no_event(self):
        draft = self.draft()
        with self.captureOnCommitCallbacks(execute=True):
            Page.objects.get(pk=draft.pk).delete()
        self.assertEqual(self.events(), [])

    def test_a_live_blog_entry_published_is_liveblog_entry_added(self):
        live_blog = self.live_blog.__class__.objects.get(pk=self.live_blog.pk)
        live_blog.entries.add(LiveBlogEntryFactory.build(headline="Polls close", body="<p>Counting <b>begins</b>.</p>"))
        self.publish(live_blog)
        [(event_type, data)] = self.events()
        self.assertEqual(event_type, "liveblog.entry_added")
        self.assertEqual(data["kind"], "live_blog")
        entry = LiveBlogEntry.objects.get(headline="Polls close")
        self.assertEqual(data["entry"]["id"], entry.pk)
        self.assertEqual(data["entry"]["headline"], "Polls close")
        self.assertEqual(data["entry"]["text"], "Counting begins.")
        self.assertEqual(data["entry"]["posted_at"], events.iso(entry.posted_at))
        self.assertTrue(data["entry"]["url"].endswith(f"#entry-{entry.pk}"))

    def test_a_publication_rolled_back_sends_nothing(self):
        draft = self.draft()
        with self.captureOnCommitCallbacks(execute=True):
            try:
                with transaction.atomic():
                    ArticlePage.objects.get(pk=draft.pk).save_revision().publish()
                    raise RuntimeError("the publication fails after Wagtail's signal")
            except RuntimeError:
                pass
        self.assertFalse(ArticlePage.objects.get(pk=draft.pk).live)
        self.assertEqual(self.events(), [])

    def test_a_scheduled_publication_is_told_when_it_goes_live(self):
        draft = self.draft()
        draft.go_live_at = timezone.now() + timedelta(hours=1)
        with self.captureOnCommitCallbacks(execute=True):
            draft.save_revision().publish()
        self.assertEqual(self.events(), [])
        past = timezone.now() - timedelta(minutes=1)
        ArticlePage.objects.filter(pk=draft.pk).update(go_live_at=past)
        revision = draft.revisions.get()
        revision.content["go_live_at"] = past.isoformat()
        revision.approved_go_live_at = past
        revision.save(update_fields=["content", "approved_go_live_at"])
        with self.captureOnCommitCallbacks(execute=True):
            publish_scheduled.call()
        self.assertEqual(self.event_types(), ["article.published"])

    def test_only_endpoints_subscribed_to_the_event_get_a_delivery_paused_ones_too(self):
        corrections_only = Endpoint.objects.create(
            url="http://127.0.0.1:9/c",
            description="Corrections desk",
            owner_email="c@x.example",
            events=["article.corrected"],
        )
        paused = Endpoint.objects.create(
            url="http://127.0.0.1:9/p",
            description="Paused",
            owner_email="p@x.example",
            events=["article.published"],
            is_active=False,
        )
        self.publish(self.draft())
        self.assertEqual(set(Delivery.objects.values_list("endpoint", flat=True)), {self.endpoint.pk, paused.pk})
        self.assertEqual(corrections_only.deliveries.count(), 0)
        # A paused endpoint's delivery waits, not due to anyone, until it is resumed (see test_sending).
        self.assertEqual(paused.deliveries.get().status, Delivery.PENDING)
        self.assertEqual(list(Delivery.objects.due(timezone.now())), list(self.endpoint.deliveries.all()))

    def test_nothing_is_recorded_when_no_endpoint_listens(self):
        Endpoint.objects.all().delete()
        draft = self.draft()
        read = []
        with self.assertNumQueries(1), self.captureOnCommitCallbacks(execute=True):  # only: who listens?
            events.announce("article.published", lambda: read.append("the article"))
        self.assertEqual(read, [])  # no one listens: the article is not even read
        self.publish(draft)
        self.assertFalse(Event.objects.exists())


class PrivateArticleTests(WebhooksTestCase):
    """Nothing readers cannot see reaches a partner: articles in a view-restricted part of the tree."""

    def restrict(self, page, **kwargs):
        """Restrict ``page`` (and all below it) as an editor does in the Privacy dialog; returns the restriction."""
        with self.captureOnCommitCallbacks(execute=True):
            return PageViewRestriction.objects.create(page=page, **{"restriction_type": "login", **kwargs})

    def private_section(self):
        section = SectionPageFactory(parent=self.home, title="Staff only")
        self.restrict(section)
        return section

    def private_draft(self, section, **kwargs):
        return ArticlePageFactory(
            section=section,
            authors=[self.author],
            live=False,
            first_published_at=None,
            last_published_at=None,
            **kwargs,
        )

    def test_publishing_correcting_and_updating_a_private_article_is_no_event(self):
        draft = self.private_draft(self.private_section(), title="Secret merger story")
        article = self.publish(draft)
        article.corrections.add(ArticleCorrection(text="A private correction."))
        article = self.publish(article, title="Secret merger story, corrected")
        self.publish(article, update_note="Adds the figures.")
        self.assertEqual(self.events(), [])
        self.assertFalse(Delivery.objects.exists())

    def test_an_entry_on_a_live_blog_under_a_password_is_no_event(self):
        self.restrict(self.section, restriction_type="password", password="letmein")
        Event.objects.all().delete()  # the restriction itself unpublished the section's articles (below)
        live_blog = LiveBlogPage.objects.get(pk=self.live_blog.pk)
        live_blog.entries.add(LiveBlogEntryFactory.build(headline="A private entry"))
        self.publish(live_blog)
        self.assertEqual(self.events(), [])

    def test_an_article_restricted_itself_is_no_event_either(self):
        draft = self.draft(title="Members' briefing")
        self.restrict(draft, restriction_type="groups")
        self.publish(draft)
        self.assertEqual(self.events(), [])

    def test_unpublishing_or_deleting_a_private_article_is_no_event(self):
        section = self.private_section()
        first = self.publish(self.private_draft(section, title="Private one"))
        second = self.publish(self.private_draft(section, title="Private two"))
        with self.captureOnCommitCallbacks(execute=True):
            Page.objects.get(pk=first.pk).unpublish()
            Page.objects.get(pk=second.pk).delete()
        self.assertEqual(self.events(), [])
        # Deleting the restricted section with what is left below it tells nothing either.
        with self.captureOnCommitCallbacks(execute=True):
            Page.objects.get(pk=section.pk).delete()
        self.assertEqual(self.events(), [])

    def test_restricting_a_section_unpublishes_its_public_articles_for_partners(self):
        already_private = self.draft(title="Already private")
        self.restrict(already_private)
        self.publish(already_private)
        self.restrict(self.section)
        self.assertEqual(
            sorted((event_type, data["id"], data["headline"]) for event_type, data in self.events()),
            sorted(
                [
                    ("article.unpublished", self.article.pk, "Ferry to Aktau resumes"),
                    ("article.unpublished", self.live_blog.pk, "Live: the vote"),
                ]
            ),
        )
        # Restricting further inside a part already restricted: nothing was public, nothing to tell.
        self.restrict(Page.objects.get(pk=self.article.pk), restriction_type="password", password="x")
        self.assertEqual(len(self.events()), 2)

    def test_a_restriction_rolled_back_tells_nothing(self):
        with self.captureOnCommitCallbacks(execute=True):
            try:
                with transaction.atomic():
                    PageViewRestriction.objects.create(page=self.section, restriction_type="login")
                    raise RuntimeError("the editor's request fails")
            except RuntimeError:
                pass
        self.assertEqual(self.events(), [])
