"""What editors get in the Wagtail admin."""

from zoneinfo import ZoneInfo

from django.contrib.auth.models import Group, Permission, User
from django.urls import reverse
from django.utils import timezone
from wagtail.models import GroupPagePermission

from caspian.newsroom.models import ArchiveYearPage, AuthorPage

from .scenario import TIME_ZONE, NewsroomTestCase


class AdminTests(NewsroomTestCase):
    def setUp(self):
        self.editor = User.objects.create_superuser("editor", "editor@example.org", "pw")
        self.client.force_login(self.editor)

    def test_article_editor_has_the_newsroom_fields(self):
        response = self.client.get(reverse("wagtailadmin_pages:edit", args=[self.articles[0].pk]))
        self.assertEqual(response.status_code, 200)
        content = response.content.decode()
        for label in (
            "Standfirst",
            "Bylines",
            "Dateline",
            "Lead image",
            "Alt text",
            "More articles",
            "Material update",
        ):
            self.assertIn(label, content)

    def test_front_page_editor_curates_must_read(self):
        response = self.client.get(reverse("wagtailadmin_pages:edit", args=[self.home.pk]))
        self.assertEqual(response.status_code, 200)
        self.assertIn("Must read", response.content.decode())
        self.assertIn("Lead story", response.content.decode())

    def test_add_article_files_it_in_this_years_folder(self):
        listing = self.client.get(reverse("wagtailadmin_explore", args=[self.home.pk]))
        add_url = reverse("newsroom_add_article", args=[self.caucasus.pk])
        self.assertIn(add_url, listing.content.decode())

        year = timezone.localdate(timezone=ZoneInfo(TIME_ZONE)).year
        folders = ArchiveYearPage.objects.child_of(self.caucasus)
        folders.filter(slug=str(year)).delete()
        # No folder yet: the editor is asked, and nothing changes on a GET.
        confirm = self.client.get(add_url)
        self.assertEqual(confirm.status_code, 200)
        self.assertIn(f"Start the {year} folder", confirm.content.decode())
        self.assertFalse(folders.filter(slug=str(year)).exists())

        response = self.client.post(add_url)
        folder = folders.get(slug=str(year))
        add_form = reverse("wagtailadmin_pages:add", args=["newsroom", "articlepage", folder.pk])
        self.assertRedirects(response, add_form, fetch_redirect_response=False)
        self.assertEqual(self.client.get(add_form).status_code, 200)
        # With the folder in place the button goes straight to the form.
        self.assertRedirects(self.client.get(add_url), add_form, fetch_redirect_response=False)

    def test_add_article_needs_permission_to_add_pages(self):
        reader = User.objects.create_user("reader", password="pw")
        reader.user_permissions.add(Permission.objects.get(codename="access_admin"))
        self.client.force_login(reader)
        ArchiveYearPage.objects.child_of(self.caucasus).delete()
        response = self.client.post(reverse("newsroom_add_article", args=[self.caucasus.pk]))
        # Wagtail turns a refusal in the admin into a redirect to the dashboard with a message.
        self.assertRedirects(response, reverse("wagtailadmin_home"), fetch_redirect_response=False)
        self.assertFalse(ArchiveYearPage.objects.child_of(self.caucasus).exists())

    def test_editors_group_can_add_articles(self):
        editors = Group.objects.create(name="Section editors")
        editors.permissions.add(Permission.objects.get(codename="access_admin"))
        GroupPagePermission.objects.create(
            group=editors, page=self.caucasus, permission=Permission.objects.get(codename="add_page")
        )
        user = User.objects.create_user("section-editor", password="pw")
        user.groups.add(editors)
        self.client.force_login(user)
        response = self.client.post(reverse("newsroom_add_article", args=[self.caucasus.pk]))
        self.assertEqual(response.status_code, 302)

    def test_publication_and_masthead_settings_are_editable(self):
        for app, model, label in (
            ("newsroom", "publicationsettings", "Time zone"),
            ("masthead", "mastheadsettings", "Latitude"),
        ):
            response = self.client.get(reverse("wagtailsettings:edit", args=[app, model, self.site.pk]))
            self.assertEqual(response.status_code, 200)
            self.assertIn(label, response.content.decode())

    def test_masthead_settings_refuse_a_city_without_coordinates(self):
        from caspian.masthead.models import MastheadSettings

        url = reverse("wagtailsettings:edit", args=["masthead", "mastheadsettings", self.site.pk])
        response = self.client.post(
            url, {"weather_city": "Baku", "latitude": "", "longitude": "", "temperature_unit": "C"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("Give the city", response.content.decode())
        self.assertEqual(MastheadSettings.objects.get(site=self.site).weather_city, "Munich")

    def test_an_author_with_bylines_cannot_be_deleted(self):
        delete_url = reverse("wagtailadmin_pages:delete", args=[self.author.pk])
        response = self.client.post(delete_url, follow=True)
        self.assertTrue(AuthorPage.objects.filter(pk=self.author.pk).exists())
        self.assertIn("bylines on 6 articles", response.content.decode())
        # An author without bylines goes as usual.
        self.client.post(reverse("wagtailadmin_pages:delete", args=[self.second_author.pk]))
        self.assertFalse(AuthorPage.objects.filter(pk=self.second_author.pk).exists())
