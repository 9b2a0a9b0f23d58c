"""Two-factor sign-in through the real admin: enrolment forced by role, the second step, recovery codes, resets."""

import re

from django.test import TestCase, override_settings
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.models import ModelLogEntry

from caspian.accounts import audit, two_factor
from caspian.accounts.models import StaffSession

from .helpers import browser, current_code, post_form, sign_in, staff

REQUIRED = override_settings(TWO_FACTOR_ROLES=["Editor", "Administrator"])


def enrol(test, client, next_url="/admin/"):
    """Set up an authenticator app from the page as a person does (reading the secret off it); returns the codes."""
    page = client.get(reverse("accounts_setup_authenticator") + f"?next={next_url}")
    test.assertContains(page, "<svg")  # the QR code, inline
    secret = re.search(r'id="authenticator-secret">([A-Z2-7 ]+)<', page.content.decode()).group(1)
    device = TOTPDevice.objects.get(user=page.wsgi_request.user, confirmed=False)
    test.assertEqual(secret.replace(" ", ""), __import__("base64").b32encode(device.bin_key).decode().rstrip("="))
    response = post_form(
        client, reverse("accounts_setup_authenticator"), {"code": current_code(device), "next": next_url}
    )
    test.assertEqual(response.status_code, 200)
    return re.findall(r"<li><code>([a-z0-9]+)</code></li>", response.content.decode())


@REQUIRED
class RequiredTwoFactorTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = staff("editor", "Editor")
        cls.moderator = staff("moderator", "Moderator")
        cls.admin = staff("chief", superuser=True)

    def test_an_editor_is_walked_through_enrolment_and_then_needs_a_code_at_every_sign_in(self):
        client = browser()
        self.assertRedirects(sign_in(client, "editor"), "/admin/", fetch_redirect_response=False)
        # No admin page on a password alone: every one sends the editor to set up a second factor.
        for path in ["/admin/", "/admin/pages/", reverse("accounts_sessions")]:
            response = client.get(path)
            self.assertRedirects(response, f"{reverse('accounts_two_factor')}?next={path.replace('/', '%2F')}")
        self.assertContains(client.get(reverse("accounts_two_factor")), "Your role requires two-factor sign-in")
        # The icons and translations the setup page loads by script are not held back.
        self.assertEqual(client.get(reverse("wagtailadmin_sprite")).status_code, 200)

        codes = enrol(self, client)
        self.assertEqual(len(codes), 10)
        self.assertEqual(client.get("/admin/").status_code, 200)
        self.assertEqual(
            list(
                ModelLogEntry.objects.filter(object_id=str(self.editor.pk))
                .values_list("action", flat=True)
                .order_by("pk")
            ),
            [audit.ROLES_CHANGED, audit.PASSWORD_ACCEPTED, audit.TWO_FACTOR_ENROLLED, audit.RECOVERY_CODES],
        )

        # Next time: the password, then a code.
        client = browser()
        sign_in(client, "editor")
        self.assertRedirects(client.get("/admin/pages/"), f"{reverse('accounts_verify')}?next=%2Fadmin%2Fpages%2F")
        device = TOTPDevice.objects.get(user=self.editor)
        # The code of the next 30-second step (the one just used at enrolment may not be used twice).
        response = post_form(
            client, reverse("accounts_verify"), {"code": current_code(device, 1), "next": "/admin/pages/"}
        )
        self.assertRedirects(response, "/admin/pages/", fetch_redirect_response=False)
        self.assertEqual(client.get("/admin/").status_code, 200)

        # A recovery code works once (a wrong code is refused, and makes django-otp wait before the next try).
        for expected in ["/admin/", None]:
            client = browser()
            sign_in(client, "editor")
            response = post_form(client, reverse("accounts_verify"), {"code": codes[0]})
            if expected:
                self.assertRedirects(response, expected, fetch_redirect_response=False)
            else:
                self.assertContains(response, "That code did not work")
        self.assertEqual(StaticToken.objects.filter(device__user=self.editor).count(), 9)

    def test_a_superuser_counts_as_administrator_and_a_moderator_is_not_asked(self):
        chief = browser()
        sign_in(chief, "chief")
        self.assertEqual(chief.get("/admin/").status_code, 302)
        moderator = browser()
        sign_in(moderator, "moderator")
        self.assertEqual(moderator.get("/admin/").status_code, 200)

    def test_a_password_alone_cannot_add_a_second_factor_to_an_enrolled_account(self):
        client = browser()
        sign_in(client, "editor")
        enrol(self, client)
        thief = browser("203.0.113.66")
        sign_in(thief, "editor")
        for path in [
            reverse("accounts_setup_authenticator"),
            reverse("accounts_two_factor"),
            reverse("accounts_recovery_codes"),
        ]:
            self.assertRedirects(thief.get(path), f"{reverse('accounts_verify')}?next={path.replace('/', '%2F')}")
        begin = thief.post(reverse("otp_webauthn:credential-registration-begin"))
        self.assertEqual(begin.status_code, 302)

    def test_an_administrator_resets_a_lost_second_factor(self):
        editor = browser()
        sign_in(editor, "editor")
        enrol(self, editor)
        self.assertEqual(StaffSession.objects.filter(user=self.editor).count(), 1)

        chief = browser("192.0.2.1")
        chief.force_login(self.admin)
        # Signed in without a second factor in a test: the administrator's own check is covered above.
        self.admin.totpdevice_set.all().delete()
        with override_settings(TWO_FACTOR_ROLES=["Editor"]):
            listing = chief.get(reverse("wagtailusers_users:index"))
            self.assertContains(listing, reverse("accounts_reset_two_factor", args=[self.editor.pk]))
            self.assertContains(
                chief.get(reverse("accounts_reset_two_factor", args=[self.editor.pk])), "Authenticator app"
            )
            response = post_form(chief, reverse("accounts_reset_two_factor", args=[self.editor.pk]), {})
        self.assertRedirects(
            response, reverse("wagtailusers_users:edit", args=[self.editor.pk]), fetch_redirect_response=False
        )
        self.assertFalse(two_factor.has_second_factor(self.editor))
        entry = ModelLogEntry.objects.get(action=audit.TWO_FACTOR_RESET)
        self.assertEqual((entry.user, entry.object_id), (self.admin, str(self.editor.pk)))
        # The editor's session ended: back to sign-in, and then to enrolment again.
        self.assertRedirects(editor.get("/admin/"), "/admin/login/?next=/admin/")
        sign_in(editor, "editor")
        self.assertRedirects(editor.get("/admin/"), f"{reverse('accounts_two_factor')}?next=%2Fadmin%2F")

    def test_an_editor_cannot_reset_anyone(self):
        editor = browser()
        editor.force_login(self.editor)
        with override_settings(TWO_FACTOR_ROLES=[]):
            # Wagtail answers a refusal with the dashboard and a message.
            refused = editor.get(reverse("accounts_reset_two_factor", args=[self.moderator.pk]))
            self.assertRedirects(refused, "/admin/", fetch_redirect_response=False)
            self.assertNotContains(editor.get(reverse("wagtailusers_users:index")), "Reset two-factor", status_code=302)


@override_settings(TWO_FACTOR_ROLES=[])
class VoluntaryTwoFactorTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.reporter = staff("reporter", "Reporter")

    def test_anyone_may_enrol_and_is_then_asked_for_the_code(self):
        client = browser()
        sign_in(client, "reporter")
        self.assertEqual(client.get("/admin/").status_code, 200)
        account = client.get(reverse("wagtailadmin_account"))
        self.assertContains(account, reverse("accounts_two_factor"))
        self.assertContains(account, reverse("accounts_sessions"))
        enrol(self, client)
        client = browser()
        sign_in(client, "reporter")
        self.assertEqual(client.get("/admin/").status_code, 302)
        # New recovery codes replace the old ones, once verified.
        device = TOTPDevice.objects.get(user=self.reporter)
        post_form(client, reverse("accounts_verify"), {"code": current_code(device, 1)})
        first = set(StaticToken.objects.values_list("token", flat=True))
        shown = post_form(client, reverse("accounts_recovery_codes"), {})
        codes = set(re.findall(r"<li><code>([a-z0-9]+)</code></li>", shown.content.decode()))
        self.assertEqual(codes, set(StaticToken.objects.values_list("token", flat=True)))
        self.assertFalse(codes & first)


@override_settings(TWO_FACTOR_ROLES=[])
class FactorChangeTests(TestCase):
    def test_removing_the_last_authenticator_takes_the_recovery_codes_with_it(self):
        moderator = staff("mod", "Moderator")
        client = browser()
        sign_in(client, "mod")
        enrol(self, client)
        self.assertTrue(two_factor.has_second_factor(moderator))
        device = TOTPDevice.objects.get(user=moderator)
        response = post_form(client, reverse("accounts_remove_device", args=["authenticator", device.pk]), {})
        self.assertRedirects(response, reverse("accounts_two_factor"))
        self.assertFalse(two_factor.has_second_factor(moderator))
        self.assertFalse(StaticToken.objects.filter(device__user=moderator).exists())

    def test_new_recovery_codes_keep_a_session_verified_by_a_recovery_code(self):
        moderator = staff("mod2", "Moderator")
        client = browser()
        sign_in(client, "mod2")
        codes = enrol(self, client)
        client.post(reverse("wagtailadmin_logout"))
        sign_in(client, "mod2")
        response = post_form(client, reverse("accounts_verify"), {"code": codes[0], "next": "/admin/"})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(client.get("/admin/").status_code, 200)
        post_form(client, reverse("accounts_recovery_codes"), {})
        self.assertEqual(StaticToken.objects.filter(device__user=moderator).count(), 10)
        self.assertEqual(client.get("/admin/").status_code, 200)

    def test_the_password_step_alone_is_not_logged_as_a_sign_in(self):
        moderator = staff("mod3", "Moderator")
        client = browser()
        sign_in(client, "mod3")
        enrol(self, client)
        client.post(reverse("wagtailadmin_logout"))
        ModelLogEntry.objects.all().delete()
        sign_in(client, "mod3")
        actions = list(ModelLogEntry.objects.filter(object_id=str(moderator.pk)).values_list("action", flat=True))
        self.assertEqual(actions, [audit.PASSWORD_ACCEPTED])

    def test_a_reset_address_that_is_not_a_number_is_not_found(self):
        staff("boss", superuser=True)
        client = browser()
        sign_in(client, "boss")
        self.assertEqual(client.get("/admin/users/abc/reset-two-factor/").status_code, 404)
