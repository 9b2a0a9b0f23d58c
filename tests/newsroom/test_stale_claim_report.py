"""The stale-claim report: what editors see in the admin, and the claims publishing records for it."""

import csv
import io
from datetime import date, datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

from django.contrib.auth.models import Group, Permission, User
from django.core.management import call_command
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.models import GroupPagePermission, Page
from wagtail.rich_text import RichText

from caspian.newsroom import stale_claims
from caspian.newsroom.factories import ArticlePageFactory
from caspian.newsroom.models import ArticleCorrection, ArticlePage, DatedClaim, LiveBlogEntry, LiveBlogPage

from .scenario import TIME_ZONE, NewsroomTestCase, html

ZONE = ZoneInfo(TIME_ZONE)
REPORT = "newsroom_stale_claims"


def paragraphs(*texts):
    return [("paragraph", RichText("".join(f"<p>{text}</p>" for text in texts)))]


def publish(article, **changes):
    """Publish ``article`` (with ``changes``) as an editor would: a revision, then the signals."""
    article = ArticlePage.objects.get(pk=article.pk).specific
    for field, value in changes.items():
        setattr(article, field, value)
    article.save_revision().publish()
    return ArticlePage.objects.get(pk=article.pk)


def long_date(day):
    return f"{day.day} {day:%B %Y}"


class StaleClaimTestCase(NewsroomTestCase):
    article_count = 2

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.today = timezone.localdate(cls.now, ZONE)
        # The case: a meeting expected on September 21, in an article of September 20 last year.
        last_year = cls.today.year - 1
        cls.summit = cls.article(
            "Caspian summit", datetime(last_year, 9, 20, 10, tzinfo=ZONE),
            "Leaders gathered in Aktau.", "The final meeting is expected on September 21.",
        )  # fmt: skip
        cls.summit_day = datetime(last_year, 9, 21).date()
        cls.ferry = cls.article(
            "Ferry line", cls.now - timedelta(days=90),
            f"The new ferry line will open on {long_date(cls.today - timedelta(days=60))}.",
            section=cls.central_asia,
        )  # fmt: skip
        cls.upcoming = cls.article(
            "Port expansion", cls.now - timedelta(days=2),
            f"The port is scheduled to open its new berth on {long_date(cls.today + timedelta(days=30))}.",
        )  # fmt: skip

    @classmethod
    def article(cls, title, published, *body, section=None, **kwargs):
        article = ArticlePageFactory(
            section=section or cls.caucasus,
            authors=[cls.author],
            title=title,
            body=paragraphs(*body),
            first_published_at=published,
            **kwargs,
        )
        return publish(article)

    def setUp(self):
        self.editor = User.objects.create_superuser("editor", "editor@example.org", "pw")
        self.client.force_login(self.editor)

    def report(self, **params):
        response = self.client.get(reverse(REPORT), params)
        self.assertEqual(response.status_code, 200)
        return response

    def listed(self, **params):
        """The headlines the report lists, in its order."""
        return [a.get_text(strip=True) for a in html(self.report(**params)).select("td.title .title-wrapper a")]


class StaleClaimReportTests(StaleClaimTestCase):
    def test_lists_the_stale_claim_with_its_sentence_and_date(self):
        page = html(self.report())
        rows = page.select("tbody tr")
        self.assertEqual(len(rows), 2)  # the ferry and the summit; not the port, still to come
        newest = rows[0].get_text(" ", strip=True)
        self.assertIn("Ferry line", newest)  # the most recently passed first
        summit = rows[1]
        self.assertIn("Caspian summit", summit.get_text())
        self.assertEqual(summit.select_one("mark").get_text(), "on September 21")
        sentence = " ".join(summit.select_one("mark").parent.get_text().split())
        self.assertEqual(sentence, "The final meeting is expected on September 21.")
        self.assertIn(f"21 September {self.summit_day.year}", summit.get_text())
        self.assertIn("South Caucasus", summit.get_text())
        self.assertIn("ago", summit.get_text())
        edit = summit.select_one("td.title .title-wrapper a")["href"]
        self.assertEqual(edit, reverse("wagtailadmin_pages:edit", args=[self.summit.pk]))
        self.assertEqual(summit.find("a", string="View live")["href"], self.summit.url)

    def test_a_claim_still_to_come_is_not_listed(self):
        self.assertTrue(DatedClaim.objects.filter(article=self.upcoming).exists())
        self.assertNotIn("Port expansion", self.listed())

    def test_a_material_update_after_the_date_clears_it(self):
        publish(self.summit, update_note="The meeting took place; adds its outcome.")
        self.assertEqual(self.listed(), ["Ferry line"])

    def test_a_correction_after_the_date_clears_it_and_one_before_does_not(self):
        ArticleCorrection.objects.create(
            article=self.summit, published_at=datetime.combine(self.summit_day, datetime.min.time(), tzinfo=ZONE)
            - timedelta(minutes=1), text="An earlier version misspelt Aktau.",
        )  # fmt: skip
        self.assertIn("Caspian summit", self.listed())
        ArticleCorrection.objects.create(
            article=self.summit, published_at=datetime.combine(self.summit_day, datetime.min.time(), tzinfo=ZONE),
            text="The meeting was moved to 22 September.",
        )  # fmt: skip
        self.assertEqual(self.listed(), ["Ferry line"])

    def test_an_unpublished_article_is_not_listed(self):
        self.summit.unpublish()
        self.assertEqual(self.listed(), ["Ferry line"])

    def test_republishing_without_the_sentence_clears_it(self):
        publish(self.summit, body=paragraphs("Leaders gathered in Aktau and agreed on fishing quotas."))
        self.assertFalse(DatedClaim.objects.filter(article=self.summit).exists())
        self.assertEqual(self.listed(), ["Ferry line"])

    def test_filter_by_section(self):
        self.assertEqual(self.listed(section=self.central_asia.pk), ["Ferry line"])
        self.assertEqual(self.listed(section=self.caucasus.pk), ["Caspian summit"])

    def test_oldest_first_on_request(self):
        self.assertEqual(self.listed(ordering="resolves_on"), ["Caspian summit", "Ferry line"])

    def test_the_sentence_is_escaped(self):
        self.article(
            "Markup", self.now - timedelta(days=40),
            "The &lt;b&gt;vote&lt;/b&gt; &amp; count will take place next week.",
        )  # fmt: skip
        content = self.report().content.decode()
        self.assertIn("The &lt;b&gt;vote&lt;/b&gt; &amp; count will take place <mark>next week</mark>.", content)
        self.assertNotIn("<b>vote</b>", content)

    def test_csv_export(self):
        response = self.client.get(reverse(REPORT), {"export": "csv"})
        self.assertEqual(response.status_code, 200)
        rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
        summit = next(row for row in rows if row["Article"] == "Caspian summit")
        self.assertEqual(summit["Sentence"], "The final meeting is expected on September 21.")
        self.assertEqual(summit["Words read as a date"], "on September 21")
        self.assertEqual(summit["Date named"], self.summit_day.isoformat())
        self.assertTrue(summit["Address"].endswith(self.summit.url))

    def test_queries_do_not_grow_with_the_claims(self):
        self.report()  # the first request also fills caches (sites, permissions)
        counts = []
        for extra in (0, 8):
            for n in range(extra):
                self.article(f"Old story {n}", self.now - timedelta(days=30 + n), "Talks will resume next week.")
            with CaptureQueriesContext(connection) as queries:
                self.report()
            counts.append(len(queries))
        self.assertEqual(len(self.listed()), 10)
        self.assertEqual(counts[0], counts[1])

    def test_listed_in_the_reports_menu(self):
        response = self.client.get(reverse("wagtailadmin_home"))
        self.assertIn(reverse(REPORT), response.content.decode())


class PublishingTests(StaleClaimTestCase):
    def test_a_failure_to_read_the_claims_never_stops_a_publication(self):
        with (
            mock.patch("caspian.newsroom.claims.find_claims_in", side_effect=ValueError("a bug")),
            self.assertLogs("caspian.newsroom.stale_claims", "ERROR") as logs,
        ):
            article = publish(self.summit, body=paragraphs("Leaders met in Aktau."))
        self.assertTrue(article.live)
        self.assertIn("Leaders met in Aktau.", str(article.body))
        self.assertIn("Could not read the dated claims", logs.output[0])
        self.assertTrue(DatedClaim.objects.filter(article=self.summit).exists())  # as they were


class LiveBlogClaimTests(StaleClaimTestCase):
    def test_a_live_blog_entry_is_read_relative_to_its_own_time(self):
        started = self.now - timedelta(days=30)
        blog = LiveBlogPage(
            title="Election night", standfirst="Results as they come in.", body=paragraphs("Polls have closed."),
            first_published_at=started, last_published_at=started,
            entries=[LiveBlogEntry(posted_at=started + timedelta(days=5), headline="Recount",
                                   body="<p>A recount will be held tomorrow.</p>")],
        )  # fmt: skip
        self.caucasus.year_folder(timezone.localtime(started, ZONE).year).add_child(instance=blog)
        publish(blog)
        claim = DatedClaim.objects.get(article=blog)
        self.assertEqual(claim.resolves_on, timezone.localdate(started, ZONE) + timedelta(days=6))
        self.assertIn("Election night", self.listed())


class ArticleTextTests(TestCase):
    def test_every_text_block_is_read_a_paragraph_at_a_time_and_images_are_not(self):
        published = datetime(2026, 9, 20, 23, 30, tzinfo=ZoneInfo("UTC"))  # 21 September in Baku
        article = ArticlePage(
            title="Summit expected on 1 October",
            standfirst="Leaders gather in Aktau.",
            first_published_at=published,
            body=[
                ("heading", "What comes next"),
                ("paragraph", RichText("<p>The vote is on <b>Monday</b></p><ul><li>Polls open at eight</li></ul>")),
                ("quote", {"text": "We will sign next week.", "attribution": "A minister"}),
                ("fact_box", {"title": "Key dates", "body": RichText("<ul><li>Talks: 2 October</li></ul>")}),
                ("html", "<table><tr><td>Ratification</td><td>due in 2027 &amp; later</td></tr></table>"),
                ("image", {"image": None, "alt": "", "caption": "Ministers will meet tomorrow.", "credit": ""}),
            ],
        )
        passages = list(stale_claims.passages(article, ZONE))
        self.assertEqual({passage.written_on for passage in passages}, {date(2026, 9, 21)})
        text = "\n".join(passage.text for passage in passages)
        self.assertNotIn("tomorrow", text)
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        for line in ("What comes next", "The vote is on Monday", "Polls open at eight", "We will sign next week.",
                     "Key dates", "Talks: 2 October", "Ratification", "due in 2027 & later"):  # fmt: skip
            self.assertIn(line, lines)


class StaleClaimPermissionTests(StaleClaimTestCase):
    def user_with(self, *codenames, page=None):
        group = Group.objects.create(name=f"Group {'-'.join(codenames) or 'none'}")
        group.permissions.add(Permission.objects.get(codename="access_admin"))
        for codename in codenames:
            GroupPagePermission.objects.create(
                group=group,
                page=page or Page.objects.get(depth=1),
                permission=Permission.objects.get(codename=codename),
            )
        user = User.objects.create_user(f"user-{group.pk}", password="pw")
        user.groups.add(group)
        self.client.force_login(user)
        return user

    def assert_refused(self):
        response = self.client.get(reverse(REPORT))
        # Wagtail turns a refusal in the admin into a redirect to the dashboard with a message.
        self.assertRedirects(response, reverse("wagtailadmin_home"), fetch_redirect_response=False)
        self.assertNotIn(reverse(REPORT), self.client.get(reverse("wagtailadmin_home")).content.decode())

    def test_refused_without_publish_permission(self):
        self.user_with("add_page", "change_page")  # a contributor
        self.assert_refused()

    def test_refused_to_a_user_without_page_permissions(self):
        self.user_with()  # a comment moderator
        self.assert_refused()

    def test_an_editor_who_can_publish_sees_it(self):
        self.user_with("add_page", "change_page", "publish_page")
        self.assertEqual(self.listed(), ["Ferry line", "Caspian summit"])
        self.assertIn(reverse(REPORT), self.client.get(reverse("wagtailadmin_home")).content.decode())

    def test_a_section_editor_sees_only_their_section(self):
        self.user_with("publish_page", page=self.central_asia)
        self.assertEqual(self.listed(), ["Ferry line"])


class FindDatedClaimsCommandTests(StaleClaimTestCase):
    def test_finds_the_claims_of_articles_never_published_through_wagtail(self):
        written = ArticlePageFactory(
            section=self.caucasus, authors=[self.author], title="Imported",
            body=paragraphs("The minister said the bridge would open next month."),
            first_published_at=self.now - timedelta(days=200),
        )  # fmt: skip
        DatedClaim.objects.filter(article=self.summit).delete()
        self.assertFalse(DatedClaim.objects.filter(article=written).exists())
        out = io.StringIO()
        call_command("find_dated_claims", batch_size=2, stdout=out)
        self.assertTrue(DatedClaim.objects.filter(article=written, phrase="next month").exists())
        self.assertEqual(DatedClaim.objects.filter(article=self.summit).count(), 1)
        self.assertIn("Found 4 dated claims", out.getvalue())  # summit (once), ferry, port, imported
        self.assertIn("Imported", self.listed())

    def test_claims_resolve_in_the_publications_time_zone(self):
        # 23:30 on 31 December in UTC is already 1 January in Baku.
        published = datetime(self.today.year - 2, 12, 31, 23, 30, tzinfo=ZoneInfo("UTC"))
        article = self.article("New Year", published, "The new tariff takes effect tomorrow.")
        self.assertEqual(
            DatedClaim.objects.get(article=article).resolves_on, datetime(self.today.year - 1, 1, 2).date()
        )
        self.assertEqual(stale_claims.zone_for(article.path, stale_claims.publication_zones()), ZONE)
