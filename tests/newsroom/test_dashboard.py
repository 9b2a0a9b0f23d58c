"""The dashboard's Newsroom panel: what goes live when, and the stories whose claims have lapsed."""

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils import timezone

from caspian.newsroom.models import ArticlePage, DatedClaim

from .scenario import TIME_ZONE, html
from .test_roles import RolesTestCase


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
        [item] = panel.select("li")
        self.assertEqual(item.select_one("a")["href"], reverse("wagtailadmin_pages:edit", args=[story.pk]))
        # In the publication's time zone, which the editor's admin works in.
        self.assertIn(
            f"{timezone.localtime(go_live, ZoneInfo(TIME_ZONE)):%-d %b %Y, %H:%M} ({TIME_ZONE} time)", item.get_text()
        )
        self.assertIn("as a new version of a live story", item.get_text())
        claims = panel.select_one(f"a[href='{reverse('newsroom_stale_claims')}']")
        self.assertEqual(claims.get_text(strip=True), "1 published story announced something for a day that has passed")

    def test_a_moderator_has_no_newsroom_panel(self):
        self.assertIsNone(self.panel("murad"))
        self.assertEqual(self.panel("elif").select_one("p").get_text(strip=True), "Nothing is scheduled.")
