"""Admin security headers, the page cache's hands off the admin, the audit report, the password list."""

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import SimpleTestCase, TestCase, override_settings
from django.urls import reverse
from wagtail.models import GroupPagePermission, ModelLogEntry, Page

from caspian.accounts import audit
from caspian.pagecache.middleware import PENDING

from .helpers import browser, sign_in, staff


@override_settings(TWO_FACTOR_ROLES=[], PAGE_CACHE=True)
class AdminHeadersTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.admin = staff("chief", superuser=True)

    def assert_secure(self, response):
        self.assertIn("no-store", response["Cache-Control"])
        self.assertIn("private", response["Cache-Control"])
        self.assertEqual(response["X-Frame-Options"], "DENY")
        self.assertIn("frame-ancestors 'none'", response["Content-Security-Policy"])
        self.assertEqual(response["Referrer-Policy"], "same-origin")
        self.assertEqual(response["Cross-Origin-Opener-Policy"], "same-origin")
        self.assertNotIn(PENDING, response.wsgi_request.META)  # nothing handed to the page cache to store

    def test_every_admin_response_is_private_and_never_framed_sign_in_included(self):
        client = browser()
        self.assert_secure(client.get("/admin/login/"))
        self.assert_secure(client.get("/admin/"))  # the redirect to sign in
        client.force_login(self.admin)
        self.assert_secure(client.get("/admin/"))
        self.assert_secure(client.get(reverse("accounts_sessions")))

    def test_reader_pages_keep_their_own_policy(self):
        response = browser().get("/healthz")
        self.assertEqual(response["Content-Security-Policy"], settings.CASPIAN_CSP)


@override_settings(TWO_FACTOR_ROLES=[])
class AuditReportTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.admin = staff("chief", superuser=True)
        cls.editor = staff("editor", "Editor")

    def test_one_report_holds_sign_ins_failures_and_role_and_permission_changes_with_csv(self):
        client = browser()
        sign_in(client, "editor", "wrong")
        sign_in(client, "ghost", "wrong")
        sign_in(client, "editor")
        reporters = Group.objects.get(name="Reporter")
        reporters.permissions.add(Permission.objects.get(codename="view_signinthrottle"))
        self.editor.groups.add(reporters)

        chief = browser("192.0.2.1")
        chief.force_login(self.admin)
        report = chief.get(reverse("wagtailadmin_reports:site_history"))
        for text in [
            "Wrong password for &#x27;editor&#x27; from 198.51.100.7",
            "Wrong password for &#x27;ghost&#x27;",
            "Signed in from 198.51.100.7",
            "Roles added: Reporter; removed: none",
            "Permissions added: accounts.view_signinthrottle",
        ]:
            self.assertContains(report, text)
        self.assertContains(report, "Sign-in failed")  # in the action filter
        csv = chief.get(reverse("wagtailadmin_reports:site_history"), {"action": audit.SIGN_IN_FAILED, "export": "csv"})
        body = b"".join(csv.streaming_content).decode() if csv.streaming else csv.content.decode()
        self.assertEqual(body.count("Sign-in failed"), 2)
        self.assertNotIn("Signed in", body)
        self.assertEqual(ModelLogEntry.objects.filter(action=audit.PERMISSIONS_CHANGED).get().label, "Reporter")

    def test_publishing_rights_and_a_users_own_permissions_are_logged_too(self):
        reporters = Group.objects.get(name="Reporter")
        root = Page.objects.get(depth=1)
        publish = Permission.objects.get(codename="publish_page")
        grant = GroupPagePermission.objects.create(group=reporters, page=root, permission=publish)
        grant.delete()
        self.editor.user_permissions.add(Permission.objects.get(codename="view_signinthrottle"))
        logged = ModelLogEntry.objects.for_instance
        on_role = [e.data for e in logged(reporters).filter(action=audit.PERMISSIONS_CHANGED).order_by("pk")]
        self.assertEqual(on_role[0]["added"], [f"wagtailcore.publish_page on {root}"])
        self.assertEqual(on_role[1]["removed"], [f"wagtailcore.publish_page on {root}"])
        on_user = logged(self.editor).get(action=audit.PERMISSIONS_CHANGED)
        self.assertEqual(on_user.data["added"], ["accounts.view_signinthrottle"])


class PasswordTests(SimpleTestCase):
    def test_newsroom_guesses_are_refused(self):
        for password in ["Caspian2026!", "summer2026", "Winter-2019", "TheCaspianTimes", "newsroom123", "Deadline1!"]:
            with self.subTest(password), self.assertRaises(ValidationError):
                validate_password(password)

    def test_a_long_unrelated_phrase_passes(self):
        self.assertIsNone(validate_password("copper-gull-orchard-31"))  # raises ValidationError when refused
