"""Corrections: on the article, on /corrections/, in the JSON-LD, through the admin and the page cache."""

import json
import zoneinfo
from datetime import datetime, timedelta

from django.contrib.auth.models import Group, Permission, User
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.models import GroupPagePermission, Page, PageViewRestriction, Site
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from caspian.newsroom.corrections import CORRECTIONS_PAGE_SIZE
from caspian.newsroom.factories import ArticlePageFactory, SectionPageFactory
from caspian.newsroom.models import ArticleCorrection, ArticlePage, HomePage

from ..fake_services import FakePurgingProxy
from ..pagecache.helpers import PageCacheTestCase
from .scenario import TIME_ZONE, NewsroomTestCase, html
from .test_article_form import BLANK_ARTICLE_FORM

ZONE = zoneinfo.ZoneInfo(TIME_ZONE)


def when(day, hour=10):
    """A time in the publication's zone."""
    return datetime(2026, 3, day, hour, tzinfo=ZONE)


def correct(article, *corrections, publish=True):
    """Add ``(published_at, text)`` corrections to ``article`` as an editor does: in a revision, then publish."""
    article = ArticlePage.objects.get(pk=article.pk)
    for published_at, text in corrections:
        article.corrections.add(ArticleCorrection(published_at=published_at, text=text))
    revision = article.save_revision()
    if publish:
        revision.publish()
    return ArticlePage.objects.get(pk=article.pk)


def news_article(response):
    for script in html(response).find_all("script", type="application/ld+json"):
        for entry in json.loads(script.string).get("@graph", []):
            if entry["@type"] == "NewsArticle":
                return entry
    return None


def text_of(element):
    return " ".join(element.get_text().split())


class ArticleCorrectionTests(NewsroomTestCase):
    def test_shown_at_the_top_newest_first_with_date_and_text(self):
        article = correct(
            self.articles[0],
            (when(2), "An earlier version gave the wrong port: the ferry sails from Aktau."),
            (when(3), "The minister's name is Aliyev, not Aliev."),
        )
        page = html(self.get(article))
        items = page.select(".corrections .correction")
        self.assertEqual(
            [text_of(li) for li in items],
            [
                "Correction, 3 March 2026: The minister's name is Aliyev, not Aliev.",
                "Correction, 2 March 2026: An earlier version gave the wrong port: the ferry sails from Aktau.",
            ],
        )
        self.assertEqual(items[0].find("time")["datetime"], "2026-03-03T10:00:00+04:00")
        corrections = page.select_one(".corrections")
        self.assertEqual(corrections["id"], "corrections")
        self.assertEqual({li["id"] for li in items}, {f"correction-{c.pk}" for c in article.corrections.all()})
        # Under the headline and dates, before the story.
        self.assertIn(page.select_one(".article__header"), corrections.find_all_previous())
        self.assertIn(page.select_one(".article__body"), corrections.find_all_next())

    def test_text_is_shown_as_text(self):
        article = correct(self.articles[0], (when(3), "<b>Not bold</b> & <script>alert(1)</script>"))
        response = self.get(article)
        self.assertNotIn(b"<script>alert(1)</script>", response.content)
        self.assertIn("<b>Not bold</b> & <script>", text_of(html(response).select_one(".correction")))

    def test_an_article_without_corrections_shows_none(self):
        page = html(self.get(self.articles[0]))
        self.assertIsNone(page.select_one(".corrections"))
        self.assertNotIn("correction", news_article(self.get(self.articles[0])))

    def test_json_ld_marks_them_up_as_correction_comments(self):
        article = correct(self.articles[0], (when(2), "First."), (when(3), "Second."))
        news = news_article(self.get(article))
        self.assertEqual([set(c) for c in news["correction"]], [{"@type", "text", "datePublished"}] * 2)
        self.assertEqual({c["@type"] for c in news["correction"]}, {"CorrectionComment"})
        self.assertEqual(
            [(c["text"], datetime.fromisoformat(c["datePublished"])) for c in news["correction"]],
            [("Second.", when(3)), ("First.", when(2))],
        )

    def test_a_correction_in_a_draft_waits_for_publication(self):
        article = correct(self.articles[0], (when(3), "Not yet published."), publish=False)
        self.assertEqual(article.corrections.count(), 0)
        page = self.get(article)
        self.assertNotIn("Not yet published.", page.content.decode())
        self.assertNotIn("correction", news_article(page))
        self.assertNotIn("Not yet published.", self.get("/corrections/").content.decode())
        self.assertNotIn("Not yet published.", self.get("/corrections/rss.xml").content.decode())
        article.get_latest_revision().publish()
        self.assertIn("Not yet published.", self.get(article).content.decode())
        self.assertIn("Not yet published.", self.get("/corrections/").content.decode())

    def test_republishing_keeps_them_and_an_edit_can_change_one(self):
        article = correct(self.articles[0], (when(3), "The vote is on Tuesday."))
        article.save_revision().publish()
        self.assertIn("The vote is on Tuesday.", self.get(article).content.decode())
        article = ArticlePage.objects.get(pk=article.pk)
        correction = article.corrections.get()
        correction.text = "The vote is on Wednesday."
        article.corrections = [correction]
        article.save_revision().publish()
        page = self.get(article).content.decode()
        self.assertIn("The vote is on Wednesday.", page)
        self.assertNotIn("The vote is on Tuesday.", page)  # (the masthead may name the day)
        self.assertEqual(ArticleCorrection.objects.get().pk, correction.pk)  # the same correction, edited


class CorrectionsPageTests(NewsroomTestCase):
    def listed(self, url="/corrections/", **kwargs):
        page = html(self.get(url, **kwargs))
        return [
            (
                text_of(item.select_one(".corrections-page__headline")),
                text_of(item.select_one(".corrections-page__text")),
            )
            for item in page.select(".corrections-page__item")
        ]

    def test_lists_the_sites_corrections_newest_first_with_their_articles(self):
        first, second = self.articles[0], self.articles[3]
        correct(first, (when(1), "Oldest."), (when(4), "Newest."))
        correct(second, (when(2), "Middle."))
        self.assertEqual(
            self.listed(),
            [(first.title, "Newest."), (second.title, "Middle."), (first.title, "Oldest.")],
        )
        page = html(self.get("/corrections/"))
        self.assertEqual(page.find("h1").get_text(), "Corrections")
        newest = page.select_one(".corrections-page__item")
        correction = ArticleCorrection.objects.get(text="Newest.")
        self.assertEqual(newest.find("a")["href"], f"{first.url}#correction-{correction.pk}")
        self.assertEqual(text_of(newest.find("time")), "4 March 2026")
        self.assertEqual(newest.find("time")["datetime"], "2026-03-04T10:00:00+04:00")

    def test_only_public_articles_of_this_site(self):
        correct(self.articles[0], (when(1), "Shown."))
        unpublished = correct(self.articles[1], (when(2), "Its article was unpublished."))
        unpublished.unpublish()
        private_section = SectionPageFactory(parent=self.home, title="Members")
        PageViewRestriction.objects.create(page=private_section, restriction_type="login")
        private = ArticlePageFactory(section=private_section, authors=[self.author], title="Members only")
        correct(private, (when(3), "On a private article."))
        other_home = Page.objects.get(depth=1).add_child(instance=HomePage(title="Other", slug="other"))
        Site.objects.create(hostname="other.example", root_page=other_home, site_name="Other")
        theirs = ArticlePageFactory(
            section=SectionPageFactory(parent=other_home, title="Theirs"), authors=[self.author], title="Theirs"
        )
        correct(theirs, (when(4), "On the other site."))
        self.assertEqual(self.listed(), [(self.articles[0].title, "Shown.")])
        self.assertEqual(self.listed(HTTP_HOST="other.example"), [("Theirs", "On the other site.")])

    def test_no_corrections_yet(self):
        page = html(self.get("/corrections/"))
        self.assertIn("No corrections yet.", page.get_text())
        self.assertIsNone(page.select_one(".pagination"))

    def test_pages_of_200_newest_first(self):
        article = self.articles[0]
        start = timezone.now() - timedelta(days=30)
        ArticleCorrection.objects.bulk_create(
            ArticleCorrection(article=article, published_at=start + timedelta(hours=n), text=f"Correction {n}.")
            for n in range(CORRECTIONS_PAGE_SIZE + 1)
        )
        first = self.listed()
        self.assertEqual(len(first), CORRECTIONS_PAGE_SIZE)
        self.assertEqual(first[0][1], f"Correction {CORRECTIONS_PAGE_SIZE}.")
        self.assertEqual(self.listed("/corrections/?page=2"), [(article.title, "Correction 0.")])
        pagination = html(self.get("/corrections/")).select_one(".pagination")
        self.assertEqual(pagination.find("a", rel="next")["href"], "?page=2")
        self.assertEqual(self.client.get("/corrections/?page=3").status_code, 404)
        self.assertEqual(self.client.get("/corrections/?page=x").status_code, 404)

    def test_linked_from_every_pages_footer_and_linking_its_feeds(self):
        for url in ("/", self.articles[0].url, "/corrections/"):
            footer = html(self.get(url)).select_one(".site-footer")
            self.assertEqual(footer.find("a", string="Corrections")["href"], "/corrections/", url)
        page = html(self.get("/corrections/"))
        alternates = [(link["type"], link["href"]) for link in page.select('head link[rel="alternate"]')]
        expected = [("application/rss+xml", "/corrections/rss.xml"), ("application/atom+xml", "/corrections/atom.xml")]
        self.assertEqual(alternates[-2:], expected)
        self.assertEqual([link["href"] for link in page.select(".corrections-page__feeds a")], [h for _, h in expected])

    def test_the_same_queries_for_2_and_20_corrections(self):
        def count():
            self.get("/corrections/")
            with CaptureQueriesContext(connection) as queries:
                self.get("/corrections/")
            return len(queries)

        correct(self.articles[0], (when(1), "One."), (when(2), "Two."))
        few = count()
        for n, article in enumerate(self.articles):
            correct(article, *((when(3, hour), f"Correction {n}-{hour}.") for hour in range(3)))
        self.assertEqual(ArticleCorrection.objects.count(), 20)
        self.assertEqual(count(), few)


class AdminTests(NewsroomTestCase):
    """Editors add corrections on the article's form; only those who may publish get them to readers."""

    def setUp(self):
        self.editor = User.objects.create_superuser("editor", "editor@example.org", "pw")
        reporters = Group.objects.create(name="Correction test reporters")
        reporters.permissions.add(Permission.objects.get(codename="access_admin"))
        for codename in ("add_page", "change_page"):
            GroupPagePermission.objects.create(
                group=reporters, page=self.home, permission=Permission.objects.get(codename=codename)
            )
        self.reporter = User.objects.create_user("reporter", password="pw")
        self.reporter.groups.add(reporters)

    def edit_url(self, article):
        return reverse("wagtailadmin_pages:edit", args=[article.pk])

    def post_edit(self, article, corrections, **actions):
        """The article's edit form as the admin sends it, with ``corrections`` (dicts) added."""
        article = ArticlePage.objects.get(pk=article.pk)
        bylines = [{"id": b.pk, "author": b.author_id} for b in article.bylines.all()]
        data = nested_form_data(
            {
                **BLANK_ARTICLE_FORM,
                "title": article.title,
                "slug": article.slug,
                "standfirst": article.standfirst,
                "dateline": article.dateline,
                "lead_image": article.lead_image_id or "",
                "lead_image_alt": article.lead_image_alt,
                "lead_image_caption": article.lead_image_caption,
                "lead_image_credit": article.lead_image_credit,
                "body": streamfield([("paragraph", rich_text("<p>The first paragraph of the story.</p>"))]),
                "bylines": inline_formset(bylines, initial=len(bylines)),
                "corrections": inline_formset(corrections),
                **actions,
            }
        )
        return self.client.post(self.edit_url(article), data)

    def assert_saved(self, response):
        if response.status_code != 302:
            self.fail(f"not saved: {response.context['form'].errors}")

    def test_the_form_explains_corrections_and_dates_them_now(self):
        self.client.force_login(self.editor)
        response = self.client.get(self.edit_url(self.articles[0]))
        content = response.content.decode()
        self.assertIn("Corrections", content)
        self.assertIn("Shown at the top of the article and on the corrections page once published.", content)
        self.assertIn("What was wrong and what is right", content)
        empty = response.context["form"].formsets["corrections"].empty_form
        initial = timezone.make_aware(empty["published_at"].value())  # the form's time zone: the editor's
        self.assertAlmostEqual(initial, timezone.now(), delta=timedelta(minutes=1))

    def test_a_reporters_correction_waits_for_an_editor_to_publish_it(self):
        article = self.articles[0]
        correction = {"published_at": "2026-03-03 10:00", "text": "The vote is on Wednesday, not Tuesday."}
        self.client.force_login(self.reporter)
        for actions in ({}, {"action-publish": "action-publish"}):  # asking to publish only saves a draft
            self.assert_saved(self.post_edit(article, [correction], **actions))
            self.assertFalse(ArticleCorrection.objects.exists())
            self.assertNotIn("Wednesday", self.client.get(article.url).content.decode())
        self.assertIn("Wednesday", str(ArticlePage.objects.get(pk=article.pk).latest_revision.content["corrections"]))

        self.client.force_login(self.editor)
        self.assert_saved(self.post_edit(article, [correction], **{"action-publish": "action-publish"}))
        saved = ArticleCorrection.objects.get()
        # In the editor's time zone: the publication's, given at sign-in.
        self.assertEqual(saved.published_at, datetime(2026, 3, 3, 10, 0, tzinfo=ZONE))
        self.client.logout()
        self.assertIn(
            "Correction, 3 March 2026: The vote is on Wednesday, not Tuesday.", text_of(html(self.get(article)))
        )


class CorrectionsCacheTests(PageCacheTestCase):
    WATCHED = ["/corrections/", "/corrections/rss.xml", "/corrections/atom.xml"]

    def test_publishing_a_correction_refreshes_the_article_the_page_and_the_feeds(self):
        article = self.articles[2]
        for path in [article.url, *self.WATCHED]:
            self.cached(path)
        with self.captureOnCommitCallbacks(execute=True):
            correct(article, (when(3), "The harbour reopens on Monday."))
        for path in [article.url, *self.WATCHED]:
            self.assert_fresh(path, expected="The harbour reopens on Monday.")

    def test_unpublishing_a_corrected_article_takes_its_corrections_away(self):
        article = self.articles[2]
        with self.captureOnCommitCallbacks(execute=True):
            correct(article, (when(3), "The harbour reopens on Monday."))
        for path in self.WATCHED:
            self.cached(path)
        with self.captureOnCommitCallbacks(execute=True):
            ArticlePage.objects.get(pk=article.pk).unpublish()
        for path in self.WATCHED:
            self.assert_fresh(path, absent="The harbour reopens on Monday.")

    def test_a_draft_correction_leaves_the_cached_pages_alone(self):
        article = self.articles[2]
        for path in [article.url, *self.WATCHED]:
            self.cached(path)
        with self.captureOnCommitCallbacks(execute=True):
            correct(article, (when(3), "Not yet."), publish=False)
        for path in [article.url, *self.WATCHED]:
            self.assertTrue(self.reader.get(path).hit, path)

    def test_the_cdn_is_purged_of_the_corrections_page_and_feeds(self):
        proxy_settings = {"proxy": {"BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend"}}
        with FakePurgingProxy() as proxy:
            proxy_settings["proxy"]["LOCATION"] = proxy.url
            with override_settings(WAGTAILFRONTENDCACHE=proxy_settings):
                with self.captureOnCommitCallbacks(execute=True):
                    correct(self.articles[2], (when(3), "The harbour reopens on Monday."))
        self.assertLessEqual(set(self.WATCHED), proxy.purged())
