"""Sign-in throttling through the real admin sign-in form: slowing down, locks, lifting them, the cool-off."""

from datetime import timedelta

from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from caspian.accounts import audit
from caspian.accounts.models import SignInThrottle
from caspian.accounts.throttle import THROTTLED_MESSAGE

from .helpers import PASSWORD, browser, form_errors, post_form, sign_in, staff

WRONG = "Your username and password didn't match. Please try again."


@override_settings(SIGNIN_SLOW_AFTER=5, SIGNIN_LOCK_AFTER=10, SIGNIN_IP_LOCK_AFTER=50, SIGNIN_LOCK_MINUTES=30)
class ThrottleTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = staff("editor", "Editor")
        cls.admin = staff("chief", superuser=True)

    def thirty_wrong_passwords(self, username, ip):
        client = browser(ip)
        answers = []
        for attempt in range(30):
            response = sign_in(client, username, f"not-the-password-{attempt}")
            self.assertEqual(response.status_code, 200)  # the form again: nobody signed in
            answers.append(form_errors(response))
        return client, answers

    def test_thirty_wrong_passwords_lock_the_account_with_one_message_that_tells_nothing(self):
        client, answers = self.thirty_wrong_passwords("editor", "198.51.100.7")
        self.assertEqual(answers[:5], [[WRONG]] * 5)
        # The sixth comes before the one-second wait is over; from then on the one message.
        self.assertEqual(answers[5:], [[THROTTLED_MESSAGE]] * 25)
        lock = SignInThrottle.objects.get(kind="account", key="editor")
        self.assertTrue(lock.is_locked())
        self.assertEqual(lock.failures, 10)  # attempts while locked are not counted: the lock ends on time
        self.assertGreater(lock.locked_until, timezone.now() + timedelta(minutes=29))

        # The right password is refused while the lock lasts, with the same message.
        response = sign_in(client, "editor", PASSWORD)
        self.assertEqual(form_errors(response), [THROTTLED_MESSAGE])
        self.assertNotIn("_auth_user_id", client.session)

        # A name no account has gets exactly the same answers.
        _client, unknown = self.thirty_wrong_passwords("nobody-here", "198.51.100.8")
        self.assertEqual(unknown, answers)

        # The lock is in the audit log, on the throttle; each failure on the account, or on the name.
        self.assertEqual(ModelLogEntry.objects.filter(action=audit.LOCKED).count(), 2)
        self.assertEqual(
            ModelLogEntry.objects.filter(action=audit.SIGN_IN_FAILED, object_id=str(self.editor.pk)).count(), 5
        )
        unknown_throttle = SignInThrottle.objects.get(kind="account", key="nobody-here")
        self.assertTrue(
            ModelLogEntry.objects.filter(action=audit.SIGN_IN_REFUSED, object_id=str(unknown_throttle.pk)).exists()
        )

    def test_an_administrator_sees_and_lifts_the_lock(self):
        client, _answers = self.thirty_wrong_passwords("editor", "198.51.100.7")
        lock = SignInThrottle.objects.get(kind="account", key="editor")

        chief = browser("192.0.2.1")
        chief.force_login(self.admin)
        listing = chief.get(reverse("accounts_signinthrottle:index"))
        self.assertContains(listing, "Account editor")
        self.assertContains(listing, reverse("accounts_release_lock", args=[lock.pk]))
        response = post_form(chief, reverse("accounts_release_lock", args=[lock.pk]), {})
        self.assertRedirects(response, reverse("accounts_signinthrottle:index"))

        lock.refresh_from_db()
        self.assertFalse(lock.is_locked())
        entry = ModelLogEntry.objects.get(action=audit.UNLOCKED)
        self.assertEqual((entry.user, entry.object_id), (self.admin, str(lock.pk)))
        self.assertEqual(entry.data["reason"], "administrator")

        response = sign_in(client, "editor", PASSWORD)
        self.assertRedirects(response, "/admin/", fetch_redirect_response=False)
        self.assertEqual(client.session["_auth_user_id"], str(self.editor.pk))

    def test_the_lock_ends_after_the_cool_off(self):
        client, _answers = self.thirty_wrong_passwords("editor", "198.51.100.7")
        # Thirty minutes pass.
        SignInThrottle.objects.filter(kind="account").update(locked_until=timezone.now() - timedelta(seconds=1))
        response = sign_in(client, "editor", PASSWORD)
        self.assertRedirects(response, "/admin/", fetch_redirect_response=False)
        self.assertEqual(ModelLogEntry.objects.get(action=audit.UNLOCKED).data["reason"], "cool-off")
        self.assertFalse(SignInThrottle.objects.filter(kind="account", key="editor").exists())  # forgiven

    @override_settings(SIGNIN_IP_LOCK_AFTER=6)
    def test_an_address_trying_many_names_is_locked_for_all_of_them(self):
        client = browser("203.0.113.9")
        for name in ["anna", "boris", "carla", "dmitri", "elena", "farid"]:
            sign_in(client, name, "guess")
        self.assertTrue(SignInThrottle.objects.get(kind="address", key="203.0.113.9").is_locked())
        self.assertEqual(form_errors(sign_in(client, "editor", PASSWORD)), [THROTTLED_MESSAGE])
        # The account itself is not locked: from elsewhere its owner signs in.
        self.assertEqual(sign_in(browser("198.51.100.20"), "editor", PASSWORD).status_code, 302)

    def test_a_few_typos_slow_nobody_down_and_a_success_forgives_them(self):
        client = browser()
        for _ in range(3):
            self.assertEqual(form_errors(sign_in(client, "Editor ", "typo")), [WRONG])
        self.assertEqual(SignInThrottle.objects.get(kind="account").failures, 3)
        self.assertEqual(sign_in(client, "editor", PASSWORD).status_code, 302)
        self.assertFalse(SignInThrottle.objects.filter(kind="account").exists())
        self.assertTrue(ModelLogEntry.objects.filter(action=audit.SIGNED_IN, object_id=str(self.editor.pk)).exists())

    def test_there_is_one_sign_in_page_wagtails_reader_sign_in_leads_to_it(self):
        # Wagtail's own sign-in page (for private pages) would be a way round the throttle and the locks.
        client = browser()
        response = client.get("/_util/login/?next=/private/")
        self.assertRedirects(response, reverse("wagtailadmin_login") + "?next=/private/", fetch_redirect_response=False)
        response = client.post("/_util/login/", {"username": "editor", "password": PASSWORD})
        self.assertNotEqual(response.status_code, 200)
        self.assertNotIn("_auth_user_id", client.session)

    def test_an_ipv6_client_is_one_address_across_its_64(self):
        client = browser("2001:db8:1:2::1")
        for attempt in range(3):
            client.defaults["REMOTE_ADDR"] = f"2001:db8:1:2::{attempt + 1:x}"
            sign_in(client, f"name-{attempt}", "wrong")
        throttle = SignInThrottle.objects.get(kind="address")
        self.assertEqual((throttle.key, throttle.failures), ("2001:db8:1:2::/64", 3))

    def test_the_hourly_clean_up_logs_the_end_of_the_locks_it_drops(self):
        from caspian.accounts.tasks import forget_old_sign_in_records

        self.thirty_wrong_passwords("editor", "198.51.100.7")
        SignInThrottle.objects.filter(kind="account").update(
            locked_until=timezone.now() - timedelta(minutes=1), last_failure_at=timezone.now() - timedelta(hours=1)
        )
        forget_old_sign_in_records.call()
        self.assertFalse(SignInThrottle.objects.filter(kind="account").exists())
        self.assertEqual(ModelLogEntry.objects.filter(action=audit.UNLOCKED).count(), 1)
