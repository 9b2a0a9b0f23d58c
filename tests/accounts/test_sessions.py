"""Staff sessions: the list, signing out elsewhere, ending sessions on password and role changes, idle expiry."""

import time

from django.contrib.auth.models import Group
from django.test import TestCase, override_settings
from django.urls import reverse
from wagtail.models import ModelLogEntry

from caspian.accounts import audit, sessions
from caspian.accounts.models import StaffSession

from .helpers import PASSWORD, browser, filled_form, post_form, sign_in, staff


def signed_out(client):
    return client.get("/admin/").status_code == 302 and "_auth_user_id" not in client.session


@override_settings(TWO_FACTOR_ROLES=[], STAFF_SESSION_IDLE_MINUTES=60)
class SessionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = staff("editor", "Editor")

    def two_sessions(self):
        laptop, phone = browser("198.51.100.1"), browser("198.51.100.2")
        phone.defaults["HTTP_USER_AGENT"] = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Safari/604.1"
        for client in (laptop, phone):
            sign_in(client, "editor")
            self.assertEqual(client.get("/admin/").status_code, 200)
        return laptop, phone

    def test_the_list_shows_each_session_and_signing_out_of_the_others_keeps_this_one(self):
        laptop, phone = self.two_sessions()
        page = laptop.get(reverse("accounts_sessions"))
        self.assertContains(page, "Firefox on Linux")
        self.assertContains(page, "Safari on iPhone")
        self.assertContains(page, "198.51.100.2")
        self.assertContains(page, "(this session)", count=1)
        response = post_form(laptop, reverse("accounts_sessions"), {"end": "others"})
        self.assertRedirects(response, reverse("accounts_sessions"))
        self.assertTrue(signed_out(phone))
        self.assertEqual(laptop.get("/admin/").status_code, 200)
        self.assertEqual(StaffSession.objects.filter(user=self.editor).count(), 1)
        self.assertEqual(ModelLogEntry.objects.get(action=audit.SESSIONS_ENDED).data["count"], 1)

    def test_signing_out_everywhere(self):
        laptop, phone = self.two_sessions()
        post_form(laptop, reverse("accounts_sessions"), {"end": "all"})
        self.assertTrue(signed_out(phone))
        self.assertTrue(signed_out(laptop))

    def test_a_password_change_ends_the_other_sessions_and_keeps_this_one(self):
        laptop, phone = self.two_sessions()
        new = "another-quiet-lantern-92"
        data = filled_form(laptop.get(reverse("wagtailadmin_account")))
        data.update({"password-old_password": PASSWORD, "password-new_password1": new, "password-new_password2": new})
        response = laptop.post(reverse("wagtailadmin_account"), data)
        self.assertEqual(response.status_code, 302)
        self.editor.refresh_from_db()
        self.assertTrue(self.editor.check_password(new))
        self.assertTrue(signed_out(phone))
        self.assertEqual(laptop.get("/admin/").status_code, 200)

    def test_losing_a_role_ends_the_sessions_and_is_logged(self):
        laptop, phone = self.two_sessions()
        self.editor.groups.remove(Group.objects.get(name="Editor"))
        self.assertTrue(signed_out(laptop))
        self.assertTrue(signed_out(phone))
        entry = ModelLogEntry.objects.filter(action=audit.ROLES_CHANGED).latest("pk")
        self.assertEqual(entry.data, {"added": [], "removed": ["Editor"]})

    def test_a_session_idle_too_long_ends(self):
        laptop, _phone = self.two_sessions()
        session = laptop.session
        session[sessions.LAST_SEEN_KEY] = time.time() - 61 * 60
        session.save()
        response = laptop.get("/admin/pages/")
        self.assertRedirects(response, "/admin/login/?next=%2Fadmin%2Fpages%2F", fetch_redirect_response=False)
        self.assertContains(laptop.get(response["Location"]), "signed out after a while")

    def test_reader_pages_never_touch_the_session(self):
        laptop, _phone = self.two_sessions()
        response = laptop.get("/healthz")
        self.assertNotIn("Cookie", response.get("Vary", ""))
        self.assertFalse(response.cookies)


@override_settings(SESSION_ENGINE="django.contrib.sessions.backends.cache")
class CacheSessionTests(SessionTests):
    """The same, with sessions in the cache (Redis in production): listed and ended all the same."""


@override_settings(TWO_FACTOR_ROLES=[])
class SessionListQueriesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = staff("editor", "Editor")

    def test_the_sessions_page_costs_the_same_for_2_and_20_sessions(self):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        client = browser()
        client.force_login(self.editor)
        client.get("/admin/")
        counts = []
        for total in (2, 20):
            StaffSession.objects.filter(session_key__startswith="elsewhere").delete()
            StaffSession.objects.bulk_create(
                StaffSession(user=self.editor, session_key=f"elsewhere-{n}", user_agent="Firefox/1 Linux")
                for n in range(total)
            )
            with CaptureQueriesContext(connection) as queries:
                page = client.get(reverse("accounts_sessions"))
            self.assertContains(page, "Firefox on Linux", count=total + 1)  # and this session
            counts.append(len(queries))
        self.assertEqual(counts[0], counts[1])


class HousekeepingTests(TestCase):
    def test_old_session_rows_and_forgiven_failures_are_forgotten_and_running_locks_kept(self):
        from datetime import timedelta

        from django.utils import timezone

        from caspian.accounts.models import SignInThrottle
        from caspian.accounts.tasks import forget_old_sign_in_records

        editor = staff("editor", "Editor")
        now = timezone.now()
        StaffSession.objects.create(user=editor, session_key="old", last_seen_at=now - timedelta(days=3))
        StaffSession.objects.create(user=editor, session_key="new", last_seen_at=now)
        two_hours_ago = now - timedelta(hours=2)
        SignInThrottle.objects.create(kind="account", key="forgiven", failures=3, last_failure_at=two_hours_ago)
        SignInThrottle.objects.create(kind="account", key="recent", failures=3, last_failure_at=now)
        SignInThrottle.objects.create(
            kind="address", key="192.0.2.5", failures=50, last_failure_at=two_hours_ago,
            locked_until=now + timedelta(minutes=5),
        )  # fmt: skip
        forget_old_sign_in_records.call()
        self.assertEqual(list(StaffSession.objects.values_list("session_key", flat=True)), ["new"])
        self.assertEqual(sorted(SignInThrottle.objects.values_list("key", flat=True)), ["192.0.2.5", "recent"])


@override_settings(TWO_FACTOR_ROLES=[])
class SessionKeyTests(TestCase):
    def test_after_a_password_change_the_list_knows_the_session_by_its_new_key(self):
        editor = staff("keyed", "Editor")
        laptop = browser()
        sign_in(laptop, "keyed")
        laptop.get("/admin/")
        new = "another-quiet-lantern-92"
        data = filled_form(laptop.get(reverse("wagtailadmin_account")))
        data.update({"password-old_password": PASSWORD, "password-new_password1": new, "password-new_password2": new})
        laptop.post(reverse("wagtailadmin_account"), data)
        self.assertEqual(laptop.get("/admin/").status_code, 200)
        self.assertEqual(
            list(StaffSession.objects.filter(user=editor).values_list("session_key", flat=True)),
            [laptop.session.session_key],
        )
        # So losing a role really ends it.
        editor.groups.clear()
        self.assertTrue(signed_out(laptop))

    def test_taking_superuser_status_away_ends_the_sessions_and_is_logged_as_a_role_change(self):
        chief = staff("formerchief", superuser=True)
        client = browser()
        sign_in(client, "formerchief")
        self.assertEqual(client.get("/admin/").status_code, 200)
        chief.is_superuser = False
        chief.save()
        self.assertTrue(signed_out(client))
        entry = ModelLogEntry.objects.get(action=audit.ROLES_CHANGED, object_id=str(chief.pk))
        self.assertEqual(entry.data["removed"], ["Administrator (superuser)"])

    def test_odd_session_numbers_are_ignored(self):
        staff("odd", "Editor")
        client = browser()
        sign_in(client, "odd")
        response = post_form(client, reverse("accounts_sessions"), {"end": "²"})
        self.assertRedirects(response, reverse("accounts_sessions"))
