"""One clock: the admin shows and takes times in the publication's time zone, and says so on every date-time field."""

from datetime import datetime
from zoneinfo import ZoneInfo

from bs4 import BeautifulSoup
from django.contrib.auth.models import Group, User
from django.urls import reverse
from django.utils import timezone
from wagtail.users.models import UserProfile

from caspian.newsroom.models import ArticlePage

from .scenario import TIME_ZONE, NewsroomTestCase
from .test_article_form import ArticleFormCase


def sign_in(client, username):
    response = client.post(reverse("wagtailadmin_login"), {"username": username, "password": "pw"})
    assert response.status_code == 302, "signed in"


class StaffTimeZoneTests(NewsroomTestCase):
    article_count = 1

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.editor = User.objects.create_user("elif", "elif@caspian.example", "pw")
        cls.editor.groups.add(Group.objects.get(name="Editor"))

    def zone_of(self, user):
        return UserProfile.get_for_user(user).current_time_zone

    def test_staff_who_chose_no_zone_get_the_publications_at_sign_in(self):
        self.assertEqual(self.zone_of(self.editor), "")
        sign_in(self.client, "elif")
        self.assertEqual(self.zone_of(self.editor), TIME_ZONE)

    def test_a_zone_the_user_chose_is_kept(self):
        UserProfile.objects.update_or_create(user=self.editor, defaults={"current_time_zone": "Europe/Berlin"})
        sign_in(self.client, "elif")
        self.assertEqual(self.zone_of(self.editor), "Europe/Berlin")


class GoLiveTimeTests(ArticleFormCase):
    """The go-live field says its zone, and a time typed there is the publication's."""

    def setUp(self):
        UserProfile.objects.update_or_create(user=self.editor, defaults={"current_time_zone": TIME_ZONE})
        super().setUp()

    def test_every_date_time_field_names_its_zone(self):
        url = reverse("wagtailadmin_pages:edit", args=[self.articles[0].pk])
        page = BeautifulSoup(self.client.get(url).content, "html.parser")
        for name in ("go_live_at", "expire_at"):
            with self.subTest(field=name):
                note = page.find(id=f"id_{name}-time-zone")  # in a <template>, where CSS selectors do not look
                self.assertEqual(note.string.strip(), f"{TIME_ZONE} time")  # get_text() skips <template> text
                self.assertEqual(note.find_previous("input")["id"], f"id_{name}")
        # In a formset too: the form an "Add correction" click makes.
        note = page.find(id="id_corrections-__prefix__-published_at-time-zone")
        self.assertEqual(note.string.strip(), f"{TIME_ZONE} time")  # get_text() skips <template> text

    def test_a_go_live_time_is_taken_in_the_publications_zone(self):
        self.post_new(go_live_at="2027-01-05 13:07")
        article = ArticlePage.objects.get(title="Ferry workers in Aktau walk out over pay")
        self.assertEqual(article.go_live_at, datetime(2027, 1, 5, 13, 7, tzinfo=ZoneInfo(TIME_ZONE)))
        edit = BeautifulSoup(
            self.client.get(reverse("wagtailadmin_pages:edit", args=[article.pk])).content, "html.parser"
        )
        self.assertEqual(edit.find(id="id_go_live_at")["value"], "2027-01-05 13:07")
        self.assertNotEqual(timezone.localtime(article.go_live_at, ZoneInfo("UTC")).hour, 13)
