"""API keys: made in the admin by administrators, shown once, stored hashed; limits, usage counts, refusals."""

import re

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import TestCase, override_settings

from caspian import background
from caspian.api import keys
from caspian.api.models import ApiKey, ApiKeyUsage, hash_key

from .scenario import ApiTestCase


def staff(name, group):
    user = get_user_model().objects.create_user(name, f"{name}@newsroom.example", "pw")
    user.groups.add(Group.objects.get(name=group))
    return user


class AdminTests(TestCase):
    def test_an_administrator_creates_a_key_and_sees_it_once(self):
        self.client.force_login(staff("admin", "Administrator"))
        form = {"partner": "Mobile app", "contact_email": "apps@example.org", "requests_per_minute": "120"}
        response = self.client.post("/admin/api_keys/new/", {**form, "active": "on"})
        self.assertEqual(response.status_code, 200)
        self.assertIn("no-store", response["Cache-Control"])
        raw = re.search(r'value="(csp_[^"]+)"', response.content.decode()).group(1)
        key = ApiKey.objects.get()
        self.assertEqual(key.key_hash, hash_key(raw))
        self.assertTrue(raw.startswith(key.prefix))
        self.assertNotIn(raw, str(list(ApiKey.objects.values())))
        listing = self.client.get("/admin/api_keys/")
        self.assertContains(listing, "Mobile app")
        self.assertContains(listing, key.prefix)
        self.assertNotContains(listing, raw)
        self.assertNotContains(self.client.get(f"/admin/api_keys/edit/{key.pk}/"), raw)
        self.assertContains(self.client.get("/admin/api_usage/"), "API usage")
        self.assertNotEqual(self.client.get("/admin/api_usage/new/").status_code, 200)  # counted, never edited

    def test_only_administrators_manage_keys(self):
        self.client.force_login(staff("editor", "Editor"))
        self.assertNotEqual(self.client.get("/admin/api_keys/").status_code, 200)
        self.assertNotEqual(self.client.get("/admin/api_usage/").status_code, 200)
        self.assertNotContains(self.client.get("/admin/"), "API keys")


class KeyTests(ApiTestCase):
    def setUp(self):
        super().setUp()
        self.key = ApiKey(partner="Partner", requests_per_minute=3)
        self.raw = self.key.issue()
        self.key.save()

    def test_a_key_in_either_header_is_accepted_and_answers_privately(self):
        response = self.client.get("/api/v1/articles/", HTTP_AUTHORIZATION=f"Bearer {self.raw}")
        self.assertEqual(response.status_code, 200)
        self.assertIn("private", response["Cache-Control"])
        self.assertEqual(self.client.get("/api/v1/sections/", HTTP_X_API_KEY=self.raw).status_code, 200)

    def test_a_wrong_or_revoked_key_is_a_401_saying_why(self):
        error = self.api("articles/", status=401, HTTP_AUTHORIZATION="Bearer csp_wrong")
        self.assertIn("not valid", error["error"])
        self.api("articles/", status=401, HTTP_X_API_KEY="csp_wrong")
        self.api("articles/", status=401, HTTP_AUTHORIZATION="Basic dXNlcjpwdw==")
        self.api("articles/", HTTP_AUTHORIZATION=f"Bearer {self.raw}")
        self.key.active = False
        with self.captureOnCommitCallbacks(execute=True):
            self.key.save()
        self.assertIn("revoked", self.api("articles/", status=401, HTTP_AUTHORIZATION=f"Bearer {self.raw}")["error"])

    def test_over_the_limit_is_a_429_with_retry_after_and_usage_is_folded_in(self):
        for _ in range(3):
            self.api("articles/", HTTP_AUTHORIZATION=f"Bearer {self.raw}")
        response = self.client.get("/api/v1/articles/", HTTP_AUTHORIZATION=f"Bearer {self.raw}")
        self.assertEqual(response.status_code, 429)
        self.assertTrue(1 <= int(response["Retry-After"]) <= 60)
        self.assertIn("3 requests a minute", response.json()["error"])
        fold = background.round_jobs["api usage"]  # the scheduler's job, every round
        self.assertEqual(fold(), 3)
        self.assertEqual(fold(), 0)  # taken off the counters: never counted twice
        usage = ApiKeyUsage.objects.get(key=self.key)
        self.assertEqual((usage.requests, usage.refused), (3, 1))

    def test_two_folds_reading_the_same_counts_fold_each_request_once(self):
        for _ in range(2):
            self.api("articles/", HTTP_AUTHORIZATION=f"Bearer {self.raw}")
        first, second = keys.counted(), keys.counted()  # two schedulers read before either folds
        self.assertEqual(list(first.values()), list(second.values()))
        self.api("articles/", HTTP_AUTHORIZATION=f"Bearer {self.raw}")  # counted in between
        self.assertEqual(keys.fold_counted(first), 2)
        self.assertEqual(keys.fold_counted(second), 1)  # only what the first left: the request made since
        self.assertEqual(keys.fold_usage(), 0)
        self.assertEqual(ApiKeyUsage.objects.get(key=self.key).requests, 3)

    def test_anonymous_requests_are_public_unless_keys_are_required(self):
        self.api("articles/")
        with override_settings(API_REQUIRE_KEY=True):
            self.assertIn("needs a key", self.api("articles/", status=401)["error"])
            self.api("articles/", HTTP_AUTHORIZATION=f"Bearer {self.raw}")
