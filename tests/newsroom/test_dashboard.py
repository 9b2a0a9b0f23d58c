"""The editors' overviews: the dashboard's Newsroom panel, the Aging pages report and a page's history."""

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageLogEntry

from caspian.newsroom.factories import ArticlePageFactory
from caspian.newsroom.models import ArticlePage, DatedClaim

from .scenario import TIME_ZONE, html
from .test_review_workflow import ReviewTestCase
from .test_roles import RolesTestCase, edit_url


def listed(panel, heading):
    """``(text, link)`` of each item listed under ``heading`` in the panel; ``None`` without that heading."""
    title = panel.find("h3", string=heading)
    if title is None:
        return None
    return [(" ".join(li.get_text().split()), li.select_one("a")["href"]) for li in title.find_next_sibling("ul")("li")]


class NewsroomPanelTests(RolesTestCase):
    def panel(self, username):
        page = html(self.browser(username).get(reverse("wagtailadmin_home")))
        return page.select_one("#newsroom-section")

    def test_editors_see_scheduled_stories_with_their_times_and_the_claims_to_check(self):
        story = ArticlePage.objects.get(pk=self.articles[1].pk)
        go_live = (timezone.now() + timedelta(days=3)).replace(second=0, microsecond=0)
        story.go_live_at = go_live
        story.save_revision(approved_go_live_at=go_live)
        DatedClaim.objects.create(
            article=self.articles[0], sentence="The vote is on 3 March.", phrase="3 March", resolves_on=date(2020, 3, 3)
        )
        panel = self.panel("elif")
        [item] = panel.find("h3", string="Scheduled to go live").find_next_sibling("ul")("li")
        self.assertEqual(item.select_one("a")["href"], reverse("wagtailadmin_pages:edit", args=[story.pk]))
        # In the publication's time zone, which the editor's admin works in.
        self.assertIn(
            f"{timezone.localtime(go_live, ZoneInfo(TIME_ZONE)):%-d %b %Y, %H:%M} ({TIME_ZONE} time)", item.get_text()
        )
        self.assertIn("as a new version of a live story", item.get_text())
        claims = panel.select_one(f"a[href='{reverse('newsroom_stale_claims')}']")
        self.assertEqual(claims.get_text(strip=True), "1 published story announced something for a day that has passed")

    def test_writers_see_their_stories_published_this_week(self):
        rashid = self.staff["rashid"]
        mine = ArticlePageFactory(section=self.caucasus, authors=[self.author], owner=rashid, title="Aktau strike ends")
        ArticlePageFactory(section=self.caucasus, authors=[self.author], title="Someone else's story")
        links = self.panel("rashid").select("li a")
        self.assertEqual([(a.get_text(), a["href"]) for a in links], [("Aktau strike ends", mine.url)])

    def test_a_moderator_has_no_newsroom_panel(self):
        self.assertIsNone(self.panel("murad"))
        self.assertEqual(self.panel("elif").select_one("p").get_text(strip=True), "Nothing is scheduled.")


class NewsroomPanelReviewTests(ReviewTestCase):
    def panel(self, username):
        return html(self.browser(username).get(reverse("wagtailadmin_home"))).select_one("#newsroom-section")

    def test_a_submitted_story_waits_for_the_editors_review_in_the_panel(self):
        story = self.write_article(self.browser("cora"), self.caucasus, "Batumi port expansion", press="action-submit")
        [(text, link)] = listed(self.panel("elif"), "Waiting for my review")
        self.assertEqual(link, edit_url(story))
        self.assertRegex(text, r"^Batumi port expansion: submitted by Cora, \d+ \w{3}, \d\d:\d\d$")
        # Wagtail's own "Awaiting your review" panel would list it twice.
        self.assertIsNone(html(self.browser("elif").get(reverse("wagtailadmin_home"))).select_one("#awaiting-review"))
        self.assertIsNone(listed(self.panel("cora"), "Waiting for my review"))  # a writer reviews nothing

    def test_a_writer_sees_their_drafts_newest_first_and_not_those_in_review(self):
        rashid = self.browser("rashid")
        older = self.write_article(rashid, self.caucasus, "Tbilisi tram return")
        newer = self.write_article(rashid, self.caucasus, "Gudauri ski season")
        self.write_article(rashid, self.caucasus, "Submitted already", press="action-submit")
        self.write_article(self.browser("rena"), self.caucasus, "A draft by Rena")
        self.assertEqual(
            listed(self.panel("rashid"), "My drafts"),
            [("Gudauri ski season", edit_url(newer)), ("Tbilisi tram return", edit_url(older))],
        )

    def test_a_writer_sees_the_changes_requested_of_them_with_the_editors_words(self):
        cora = self.browser("cora")
        story = self.write_article(cora, self.caucasus, "Aktau strike ends", press="action-submit")
        self.assertIsNone(listed(self.panel("cora"), "Changes requested of me"))
        self.review(self.browser("elif"), story, "Request changes", comment="Who says so? Name the source.")
        self.assertEqual(
            listed(self.panel("cora"), "Changes requested of me"),
            [("Aktau strike ends: Elif asked “Who says so? Name the source.”", edit_url(story))],
        )
        self.assertIsNone(listed(self.panel("cora"), "My drafts"))  # in review still, not a plain draft
        self.assertIsNone(listed(self.panel("elif"), "Waiting for my review"))


class AgingPagesTests(RolesTestCase):
    def test_the_report_names_who_published_or_says_no_person_did(self):
        story = ArticlePage.objects.get(pk=self.articles[0].pk)
        story.save_revision(user=self.staff["elif"]).publish(user=self.staff["elif"])
        page = html(self.browser("elif").get(reverse("wagtailadmin_reports:aging_pages")))
        column = [th.get_text(strip=True) for th in page.select("thead th")].index("Last published by")
        by = {
            row.select_one("td.title").get_text(" ", strip=True): row.select("td")[column].get_text(" ", strip=True)
            for row in page.select("tbody tr")
        }
        published = next(title for title in by if title.startswith(story.title))
        self.assertEqual(by[published], "elif")
        factory_made = next(title for title in by if title.startswith(self.articles[1].title))  # by no one
        self.assertEqual(by[factory_made], "Automatic (no person)")
        self.assertNotIn("None", " ".join(by.values()))


class HistoryTests(RolesTestCase):
    def test_autosaves_of_one_revision_make_one_line_in_the_history(self):
        story = ArticlePage.objects.get(pk=self.articles[0].pk)
        editor = self.staff["elif"]
        edits = PageLogEntry.objects.filter(page=story, action="wagtail.edit")
        before = edits.count()
        revision = story.save_revision(user=editor, log_action=True)
        for n in range(3):  # what the editor's autosave does as someone types
            story.title = f"Headline, take {n}"
            story.save_revision(user=editor, log_action=True, overwrite_revision=revision)
        self.assertEqual(edits.count(), before + 1)
        story.save_revision(user=editor, log_action=True)  # a new revision is a new line
        self.assertEqual(edits.count(), before + 2)
