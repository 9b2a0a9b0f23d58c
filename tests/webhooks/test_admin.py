"""Webhooks in the admin: Administrators only; endpoints with their secret; the delivery log, its filters, Resend."""

from datetime import timedelta

from bs4 import BeautifulSoup
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from caspian.webhooks import events, sending
from caspian.webhooks.models import Attempt, Delivery, Endpoint, Event

from .helpers import ALL_EVENTS, WebhooksTestCase
from .receiver import WebhookReceiver


def staff(username, role):
    user = User.objects.create_user(username, f"{username}@caspian.example", "a long pass phrase")
    user.groups.add(Group.objects.get(name=role))
    return user


def text(response):
    return " ".join(BeautifulSoup(response.content, "html.parser").get_text().split())


class AdminTests(WebhooksTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.admin = staff("ada", "Administrator")
        cls.editor = staff("eddie", "Editor")
        cls.other = Endpoint.objects.create(
            url="http://127.0.0.1:9/other", description="Aggregator", owner_email="a@agg.example", events=ALL_EVENTS
        )
        data = events.article_data(cls.article)
        cls.published = events.record("article.published", data)
        cls.corrected = events.record("article.corrected", data)
        Delivery.objects.filter(event=cls.corrected, endpoint=cls.other).update(status=Delivery.FAILED)

    def setUp(self):
        self.client.force_login(self.admin)

    def test_only_administrators_see_webhooks(self):
        self.assertContains(self.client.get(reverse("wagtailadmin_home")), "Webhooks")
        self.client.force_login(self.editor)
        self.assertNotContains(self.client.get(reverse("wagtailadmin_home")), "Webhooks")
        for url in (
            reverse("webhook_endpoints:index"),
            reverse("webhook_endpoints:add"),
            reverse("webhook_endpoints:inspect", args=[self.endpoint.pk]),
            reverse("webhook_deliveries:index"),
        ):
            self.assertRedirects(self.client.get(url), reverse("wagtailadmin_home"), msg_prefix=url)
        delivery = Delivery.objects.first()
        self.client.post(reverse("webhook_deliveries:resend", args=[delivery.pk]))
        self.client.post(reverse("webhook_endpoints:rotate", args=[self.endpoint.pk]))
        self.assertEqual(Endpoint.objects.get(pk=self.endpoint.pk).secret, self.endpoint.secret)
        self.assertFalse(ModelLogEntry.objects.filter(action__startswith="caspian.webhooks").exists())

    def test_the_endpoint_listing(self):
        page = text(self.client.get(reverse("webhook_endpoints:index")))
        self.assertIn("Partner app", page)
        self.assertIn("http://127.0.0.1:9/hooks", page)
        self.assertIn("Article published, Article updated (material update), Article corrected", page)
        self.assertIn("Active", page)

    @override_settings(WEBHOOKS_ALLOW_PRIVATE_ADDRESSES=False)
    def test_adding_an_endpoint_shows_its_secret_and_refuses_private_addresses(self):
        form = {
            "url": "http://10.1.2.3/hooks",
            "description": "Newsletter service",
            "owner_email": "ops@letters.example",
            "events": ["article.published", "article.corrected"],
            "is_active": "on",
        }
        for private in ("http://10.1.2.3/hooks", "http://localhost:8080/", "http://[::1]/", "http://169.254.169.254/"):
            response = self.client.post(reverse("webhook_endpoints:add"), {**form, "url": private})
            self.assertEqual(response.status_code, 200, private)
            self.assertIn("resolves to a private or local address", text(response), private)
        response = self.client.post(reverse("webhook_endpoints:add"), {**form, "url": "ftp://files.example/"})
        self.assertIn("Give a full web address starting with https://", text(response))
        response = self.client.post(
            reverse("webhook_endpoints:add"), {**form, "url": "http://93.184.215.14/hooks", "events": []}
        )
        self.assertIn("Choose at least one event to send.", text(response))

        response = self.client.post(reverse("webhook_endpoints:add"), {**form, "url": "https://93.184.215.14/hooks"})
        endpoint = Endpoint.objects.get(description="Newsletter service")
        self.assertRedirects(response, reverse("webhook_endpoints:inspect", args=[endpoint.pk]))
        self.assertEqual(endpoint.events, ["article.published", "article.corrected"])
        self.assertRegex(endpoint.secret, r"^whsec_[A-Za-z0-9+/]{43}=$")
        page = self.client.get(response.url)
        self.assertContains(page, endpoint.secret)
        self.assertTrue(ModelLogEntry.objects.filter(action="wagtail.create", object_id=str(endpoint.pk)).exists())

    def test_rotating_the_secret(self):
        old = self.endpoint.secret
        response = self.client.post(reverse("webhook_endpoints:rotate", args=[self.endpoint.pk]))
        self.assertRedirects(response, reverse("webhook_endpoints:inspect", args=[self.endpoint.pk]))
        endpoint = Endpoint.objects.get(pk=self.endpoint.pk)
        self.assertNotEqual(endpoint.secret, old)
        self.assertEqual(endpoint.previous_secret, old)
        self.assertContains(self.client.get(response.url), endpoint.secret)
        entry = ModelLogEntry.objects.get(action="caspian.webhooks.secret_rotated")
        self.assertEqual((entry.object_id, entry.user), (str(endpoint.pk), self.admin))
        self.assertEqual(self.client.get(reverse("webhook_endpoints:rotate", args=[self.endpoint.pk])).status_code, 405)

    def test_the_delivery_log_and_its_filters(self):
        index = reverse("webhook_deliveries:index")
        page = text(self.client.get(index))
        self.assertIn("article.corrected", page)
        self.assertIn("Ferry to Aktau resumes", page)
        self.assertIn("Aggregator", page)

        def listed(query):
            response = self.client.get(index, query)
            return sorted((d.event.type, d.endpoint.description) for d in response.context["object_list"])

        self.assertEqual(listed({"status": "failed"}), [("article.corrected", "Aggregator")])
        self.assertEqual(
            listed({"event_type": "article.published"}),
            [("article.published", "Aggregator"), ("article.published", "Partner app")],
        )
        self.assertEqual(
            listed({"endpoint": self.endpoint.pk, "status": "pending"}),
            [("article.corrected", "Partner app"), ("article.published", "Partner app")],
        )

    def test_the_delivery_log_reads_the_same_queries_for_2_or_20_deliveries(self):
        index = reverse("webhook_deliveries:index")
        self.client.get(index)  # the admin's own first-request work out of the way

        def queries():
            with CaptureQueriesContext(connection) as context:
                self.assertEqual(self.client.get(index).status_code, 200)
            return len(context.captured_queries)

        few = queries()
        data = events.article_data(self.article)
        for _ in range(9):
            events.record("article.updated", data)
        self.assertEqual(Delivery.objects.count(), 22)
        self.assertEqual(queries(), few)

    def test_inspecting_a_delivery_shows_its_attempts(self):
        delivery = Delivery.objects.get(event=self.published, endpoint=self.endpoint)
        Attempt.objects.create(
            delivery=delivery,
            attempted_at=timezone.now(),
            status_code=503,
            duration_ms=42,
            response_excerpt="<h1>Down</h1>",
        )
        response = self.client.get(reverse("webhook_deliveries:inspect", args=[delivery.pk]))
        page = text(response)
        self.assertIn(self.published.message_id, page)
        self.assertIn("HTTP 503", page)
        self.assertIn("42 ms", page)
        self.assertContains(response, "&lt;h1&gt;Down&lt;/h1&gt;")  # the partner's answer is shown as text
        self.assertIn("Resend", page)


class ResendTests(WebhooksTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.admin = staff("ada", "Administrator")

    def test_resending_a_failed_delivery_from_the_admin(self):
        with WebhookReceiver() as receiver:
            receiver.secret = self.endpoint.secret
            receiver.fail_first = 1
            Endpoint.objects.filter(pk=self.endpoint.pk).update(url=receiver.url + "/hooks")
            event = events.record("article.published", events.article_data(self.article))
            delivery = event.deliveries.get()
            Delivery.objects.filter(pk=delivery.pk).update(first_attempt_at=timezone.now() - timedelta(hours=25))
            sending.deliver_due()
            delivery.refresh_from_db()
            self.assertEqual(delivery.status, Delivery.FAILED)  # the day was over: given up

            self.client.force_login(self.admin)
            response = self.client.post(reverse("webhook_deliveries:resend", args=[delivery.pk]), follow=True)
            self.assertContains(response, "Queued: the worker sends it again within a minute.")
            delivery.refresh_from_db()
            self.assertEqual((delivery.status, delivery.first_attempt_at), (Delivery.PENDING, None))
            entry = ModelLogEntry.objects.get(action="caspian.webhooks.resent")
            self.assertEqual((entry.object_id, entry.user), (str(self.endpoint.pk), self.admin))
            self.assertIn(event.message_id, entry.message)

            self.assertEqual(sending.deliver_due(), 1)
            delivery.refresh_from_db()
            self.assertEqual((delivery.status, delivery.attempt_count), (Delivery.SUCCEEDED, 2))
            self.assertEqual([r.headers["webhook-id"] for r in receiver.received], [event.message_id] * 2)
            self.assertTrue(receiver.received[1].verified)
        self.assertEqual(Event.objects.count(), 1)
