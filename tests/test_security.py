"""Security headers and CSRF protection on reader and admin pages."""

from django.urls import reverse

from .newsroom.scenario import NewsroomTestCase


class SecurityHeaderTests(NewsroomTestCase):
    def test_reader_pages_send_a_strict_policy(self):
        for url in ("/", self.articles[0].url, self.author.url, "/no-such-page/"):
            response = self.client.get(url)
            csp = response["Content-Security-Policy"]
            directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
            self.assertEqual(directives["script-src"], "'self'", url)
            self.assertNotIn("unsafe-inline", directives["script-src"])
            self.assertNotIn("unsafe-eval", csp)
            self.assertEqual(directives["object-src"], "'none'")
            self.assertEqual(directives["frame-ancestors"], "'none'")
            self.assertEqual(response["X-Content-Type-Options"], "nosniff")
            self.assertEqual(response["Referrer-Policy"], "strict-origin-when-cross-origin")
            self.assertEqual(response["X-Frame-Options"], "DENY")

    def test_reader_pages_have_no_inline_script_or_style(self):
        for url in ("/", self.articles[0].url):
            content = self.get(url).content.decode()
            # Only the comment form's enhancement from our own files, and JSON-LD data (never run).
            self.assertNotRegex(
                content,
                r"<script(?! src=\"/static/comments/comments\.js\" defer></script>| type=\"application/ld\+json\">)",
            )
            self.assertNotIn("style=", content)
            self.assertNotIn("<style", content)

    def test_admin_is_left_to_its_own_scripts_but_framed_by_no_one(self):
        response = self.client.get(reverse("wagtailadmin_login"))
        # The admin's policy (caspian/accounts/middleware.py) says nothing of scripts.
        self.assertNotIn("script-src", response["Content-Security-Policy"])
        self.assertIn("frame-ancestors 'none'", response["Content-Security-Policy"])
        self.assertEqual(response["X-Frame-Options"], "DENY")
        self.assertIn("csrfmiddlewaretoken", response.content.decode())

    def test_the_admins_preview_panel_may_frame_a_reader_page_and_nothing_else_may(self):
        from django.contrib.auth.models import User

        from .newsroom.scenario import html
        from .newsroom.test_roles import form_fields

        self.client.force_login(User.objects.create_superuser("editor", "editor@caspian.example", "not-used"))
        edit = self.client.get(reverse("wagtailadmin_pages:edit", args=[self.articles[0].pk]))
        preview = reverse("wagtailadmin_pages:preview_on_edit", args=[self.articles[0].pk])
        # As the panel does: the form as it stands, then the page made from it.
        self.assertEqual(
            self.client.post(preview, form_fields(html(edit).select_one("#page-edit-form"))).json()["is_valid"], True
        )
        response = self.client.get(preview, {"in_preview_panel": "true"})
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.articles[0].title, response.content.decode())
        directives = dict(d.strip().split(" ", 1) for d in response["Content-Security-Policy"].split(";"))
        self.assertEqual(directives["frame-ancestors"], "'self'")
        self.assertEqual(directives["script-src"], "'self'")  # the rest of the policy as readers get it
        self.assertEqual(directives["object-src"], "'none'")
        self.assertEqual(response["X-Frame-Options"], "SAMEORIGIN")
        reader = self.client.get(self.articles[0].url)
        self.assertIn("frame-ancestors 'none'", reader["Content-Security-Policy"])

    def test_admin_login_rejects_a_post_without_csrf_token(self):
        from django.test import Client

        client = Client(enforce_csrf_checks=True)
        response = client.post(reverse("wagtailadmin_login"), {"username": "x", "password": "y"})
        self.assertEqual(response.status_code, 403)


class MediaRequestTests(NewsroomTestCase):
    def test_uploaded_files_are_served_without_page_lookups(self):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        url = self.articles[0].lead_image.file.url
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(len(queries), 0)
