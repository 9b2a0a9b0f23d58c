"""Deliveries to a receiver on 127.0.0.1: signed, retried with backoff, timed out, paused, refused.

Retries are driven by passing ``now`` forward, never by waiting.
"""

from datetime import timedelta

from django.contrib.auth.models import User
from django.core import mail
from django.test import SimpleTestCase, override_settings
from django.urls import reverse
from django.utils import timezone
from standardwebhooks import Webhook
from wagtail.models import ModelLogEntry

from caspian.webhooks import events, outbound, sending
from caspian.webhooks.models import Attempt, Delivery, Endpoint

from ..fake_services import free_port
from .helpers import WebhooksTestCase
from .receiver import WebhookReceiver


class SendingTestCase(WebhooksTestCase):
    """The class's endpoint points at a receiver, made new (as far as tests see) for each test, knowing its secret."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.receiver = WebhookReceiver().__enter__()  # one server per class: each stops in half a second
        cls.addClassCleanup(cls.receiver.__exit__, None, None, None)

    def setUp(self):
        receiver = self.receiver
        receiver.fail_first, receiver.slow, receiver.status, receiver.extra_headers = 0, False, 200, {}
        receiver.answer = b'{"ok": true}'
        receiver.received.clear()
        receiver._release.clear()
        self.addCleanup(receiver.release)  # a slow receiver's held requests end with the test
        receiver.secret = self.endpoint.secret
        Endpoint.objects.filter(pk=self.endpoint.pk).update(url=f"{self.receiver.url}/hooks/caspian?v=1")
        self.endpoint.refresh_from_db()
        self.now = timezone.now()

    def event(self, event_type="article.published"):
        """Record ``event_type`` for the class's article; returns its delivery to the endpoint."""
        event = events.record(event_type, events.article_data(self.article), now=self.now)
        return event.deliveries.get()

    def at(self, **delta):
        """Run the sender at ``now`` moved on by ``delta``; returns the attempts it made."""
        self.now += timedelta(**delta)
        return sending.deliver_due(now=self.now)


class DeliveryTests(SendingTestCase):
    def test_a_delivery_reaches_the_receiver_signed_as_standard_webhooks_says(self):
        delivery = self.event()
        self.assertEqual(self.at(), 1)
        [received] = self.receiver.received
        headers = received.headers
        # The standardwebhooks package's own check: signature, and a timestamp within five minutes of now.
        payload = Webhook(self.endpoint.secret).verify(received.body, headers)
        self.assertEqual(payload["type"], "article.published")
        self.assertEqual(payload["data"]["id"], self.article.pk)
        self.assertEqual(headers["webhook-id"], delivery.event.message_id)
        self.assertEqual(headers["webhook-timestamp"], str(int(self.now.timestamp())))
        self.assertEqual(headers["content-type"], "application/json")
        self.assertEqual(received.body.decode(), delivery.event.body)
        delivery.refresh_from_db()
        self.assertEqual(
            (delivery.status, delivery.attempt_count, delivery.next_attempt_at), (Delivery.SUCCEEDED, 1, None)
        )
        [attempt] = delivery.attempts.all()
        self.assertEqual((attempt.succeeded, attempt.status_code, attempt.error), (True, 200, ""))
        self.assertEqual(attempt.response_excerpt, '{"ok": true}')
        self.assertEqual(self.at(minutes=5), 0)  # delivered: never sent again

    def test_a_wrong_secret_does_not_verify(self):
        self.receiver.secret = "whsec_" + "QUJD" * 8
        self.event()
        self.at()
        self.assertFalse(self.receiver.received[0].verified)
        self.assertEqual(Attempt.objects.get().status_code, 400)  # what our receiver says to a bad signature

    def test_failures_are_retried_with_backoff_under_the_same_message_id(self):
        self.receiver.fail_first = 2
        delivery = self.event()
        started = self.now
        with self.assertLogs("caspian.webhooks.sending", "INFO") as logs:
            self.run_retries(delivery, started)
        # Once when it starts failing, once when it answers: not at every retry.
        self.assertEqual(
            [line.split(" (")[0].split(", after")[0] for line in logs.output],
            [
                f"WARNING:caspian.webhooks.sending:Webhook endpoint {self.endpoint.url} is failing",
                f"INFO:caspian.webhooks.sending:Webhook endpoint {self.endpoint.url} answers again",
            ],
        )

    def run_retries(self, delivery, started):
        self.at()
        delivery.refresh_from_db()
        self.assertEqual(
            (delivery.status, delivery.next_attempt_at), (Delivery.PENDING, started + timedelta(seconds=30))
        )
        self.assertEqual(self.at(seconds=29), 0)  # not due yet
        self.assertEqual(self.at(seconds=1), 1)
        delivery.refresh_from_db()
        self.assertEqual(delivery.next_attempt_at, started + timedelta(seconds=30 + 120))
        self.at(minutes=2)
        delivery.refresh_from_db()
        self.assertEqual((delivery.status, delivery.attempt_count), (Delivery.SUCCEEDED, 3))
        attempts = list(delivery.attempts.all())
        self.assertEqual([a.status_code for a in attempts], [500, 500, 200])
        self.assertEqual([a.succeeded for a in attempts], [False, False, True])
        self.assertEqual(attempts[0].response_excerpt, "Internal Server Error: try again later")
        self.assertEqual(attempts[0].outcome, "HTTP 500")
        self.assertEqual(
            [a.attempted_at - started for a in attempts], [timedelta(0), timedelta(seconds=30), timedelta(seconds=150)]
        )
        self.assertEqual({r.headers["webhook-id"] for r in self.receiver.received}, {delivery.event.message_id})
        self.assertEqual(len({r.headers["webhook-timestamp"] for r in self.receiver.received}), 3)
        self.assertTrue(all(r.verified for r in self.receiver.received))
        self.assertEqual(Endpoint.objects.get(pk=self.endpoint.pk).consecutive_failures, 0)  # the success forgave them

    @override_settings(WEBHOOKS_READ_TIMEOUT=0.3)
    def test_a_slow_endpoint_is_a_failed_attempt_retried_later(self):
        self.receiver.slow = True
        delivery = self.event()
        self.at()
        [attempt] = Attempt.objects.all()
        self.assertFalse(attempt.succeeded)
        self.assertIsNone(attempt.status_code)
        self.assertEqual(attempt.error, "No answer within 0.3 s.")
        self.assertGreaterEqual(attempt.duration_ms, 300)
        delivery.refresh_from_db()
        self.assertEqual(
            (delivery.status, delivery.next_attempt_at), (Delivery.PENDING, self.now + timedelta(seconds=30))
        )
        self.receiver.slow = False
        self.receiver.release()
        self.at(seconds=30)
        delivery.refresh_from_db()
        self.assertEqual(delivery.status, Delivery.SUCCEEDED)

    @override_settings(WEBHOOKS_PAUSE_AFTER_FAILURES=1000)
    def test_retries_stop_a_day_after_the_first_attempt_with_a_last_try_then(self):
        self.receiver.fail_first = 1000
        delivery = self.event()
        started = self.now
        while self.at() or Delivery.objects.filter(pk=delivery.pk, status=Delivery.PENDING).exists():
            delivery.refresh_from_db()
            if delivery.next_attempt_at:
                self.now = delivery.next_attempt_at
        delivery.refresh_from_db()
        self.assertEqual(delivery.status, Delivery.FAILED)
        offsets = [a.attempted_at - started for a in delivery.attempts.all()]
        minutes = [round(offset.total_seconds() / 60, 1) for offset in offsets]
        self.assertEqual(minutes, [0, 0.5, 2.5, 12.5, 72.5, 252.5, 612.5, 972.5, 1332.5, 1440])
        self.assertEqual(offsets[-1], timedelta(hours=24))

    def test_redirects_are_not_followed(self):
        self.receiver.status = 302
        self.receiver.extra_headers = {"Location": "http://169.254.169.254/latest/meta-data/"}
        self.event()
        self.at()
        [attempt] = Attempt.objects.all()
        self.assertEqual((attempt.succeeded, attempt.status_code), (False, 302))
        self.assertIn("redirect", attempt.outcome)
        self.assertEqual(len(self.receiver.received), 1)

    @override_settings(WEBHOOKS_MAX_RESPONSE_BYTES=1000)
    def test_a_large_answer_is_read_only_so_far_and_kept_shorter(self):
        self.receiver.answer = b"x" * 200_000
        self.event()
        self.at()
        attempt = Attempt.objects.get()
        self.assertTrue(attempt.succeeded)
        self.assertEqual(attempt.response_excerpt, "x" * 500)

    @override_settings(WEBHOOKS_ALLOW_PRIVATE_ADDRESSES=False)
    def test_a_private_address_is_refused_at_send_time(self):
        # Saved while allowed (or a public name now resolving to a private address: DNS rebinding).
        self.event()
        self.at()
        [attempt] = Attempt.objects.all()
        self.assertFalse(attempt.succeeded)
        self.assertIn("resolves to a private or local address (127.0.0.1)", attempt.error)
        self.assertEqual(self.receiver.received, [])

    def test_nothing_listening_is_a_failed_attempt_in_plain_words(self):
        Endpoint.objects.filter(pk=self.endpoint.pk).update(url=f"http://127.0.0.1:{free_port()}/hooks")
        self.event()
        self.at()
        [attempt] = Attempt.objects.all()
        self.assertEqual(
            attempt.error, "The endpoint refused the connection (nothing listens at that address and port)."
        )
        self.assertEqual(Delivery.objects.get().status, Delivery.PENDING)

    def test_an_address_with_letters_outside_ascii_is_sent_percent_encoded(self):
        # The admin accepts it (Django's URLField does); http.client would not send it as is.
        url = f"{self.receiver.url}/hooks/café?desk=économie&v=1%2B"
        self.client.force_login(User.objects.create_superuser("root", "root@caspian.example", "pass phrase"))
        form = {"url": url, "description": "Café", "owner_email": "c@x.example", "events": ["article.published"]}
        self.client.post(reverse("webhook_endpoints:add"), {**form, "is_active": "on"})
        endpoint = Endpoint.objects.get(description="Café")
        self.assertEqual(endpoint.url, url)
        self.receiver.secret = endpoint.secret
        delivery = events.record("article.published", {"id": 1}, now=self.now, endpoints=[endpoint]).deliveries.get()
        self.assertEqual(self.at(), 1)
        [received] = self.receiver.received
        self.assertEqual(received.path, "/hooks/caf%C3%A9?desk=%C3%A9conomie&v=1%2B")
        self.assertTrue(received.verified)
        delivery.refresh_from_db()
        self.assertEqual(delivery.status, Delivery.SUCCEEDED)

    def test_an_unexpected_error_is_a_failed_attempt_and_the_batch_goes_on(self):
        broken = Endpoint.objects.create(
            url=self.endpoint.url, description="Broken", owner_email="b@x.example", events=["article.published"]
        )
        Endpoint.objects.filter(pk=broken.pk).update(secret="whsec_not base64!")  # damaged in the database
        self.now -= timedelta(seconds=1)
        broken_event = events.record("article.published", {"id": 1}, now=self.now, endpoints=[broken])
        self.now += timedelta(seconds=1)
        good_event = events.record("article.published", {"id": 2}, now=self.now, endpoints=[self.endpoint])
        broken_delivery, good_delivery = broken_event.deliveries.get(), good_event.deliveries.get()
        with self.assertLogs("caspian.webhooks.sending", "ERROR") as logs:
            self.assertEqual(self.at(), 2)  # the broken one first, then the next one all the same
        self.assertIn("Unexpected error sending webhook delivery", logs.output[0])
        [attempt] = broken_delivery.attempts.all()
        self.assertFalse(attempt.succeeded)
        self.assertTrue(
            attempt.error.startswith(
                "An unexpected error on Caspian's side, not the endpoint's (tell the site's developers): Error: "
            ),
            attempt.error,
        )
        broken_delivery.refresh_from_db()
        self.assertEqual((broken_delivery.status, broken_delivery.claimed_until), (Delivery.PENDING, None))
        self.assertEqual(broken_delivery.next_attempt_at, self.now + timedelta(seconds=30))  # retried as any failure
        good_delivery.refresh_from_db()
        self.assertEqual(good_delivery.status, Delivery.SUCCEEDED)

    def test_a_rotated_secret_signs_beside_the_old_one_for_a_day(self):
        old = self.endpoint.secret
        new = self.endpoint.rotate_secret(now=self.now)
        self.assertNotEqual(new, old)
        self.assertTrue(new.startswith("whsec_"))
        self.receiver.secrets = [new]
        self.event()
        self.at()
        self.assertEqual(len(self.receiver.received[0].headers["webhook-signature"].split(" ")), 2)
        self.receiver.secrets = [old]
        self.assertTrue(self.receiver.verify(self.receiver.received[0].body, self.receiver.received[0].headers))
        self.receiver.secrets = [new]
        self.event("article.unpublished")
        self.at(hours=25)
        self.assertEqual(len(self.receiver.received[1].headers["webhook-signature"].split(" ")), 1)
        self.assertTrue(self.receiver.received[1].verified)

    def test_a_delivery_claimed_by_one_worker_is_not_sent_by_another(self):
        delivery = self.event()
        claimed = sending.claim_next(self.now)
        self.assertEqual(claimed, delivery)
        self.assertIsNone(sending.claim_next(self.now))
        self.assertEqual(self.at(), 0)
        # A worker that died mid-attempt lets go once its claim runs out.
        self.assertEqual(self.at(minutes=2), 1)


@override_settings(WEBHOOKS_PAUSE_AFTER_FAILURES=3, WEBHOOKS_PAUSE_AFTER_HOURS=1)
class PausingTests(SendingTestCase):
    def test_an_endpoint_that_keeps_failing_is_paused_its_owner_told_and_it_is_logged(self):
        self.receiver.fail_first = 1000
        first, second = self.event(), self.event("article.unpublished")
        self.at()  # two failures at once: a short outage is no reason to pause
        self.at(seconds=30)
        self.assertTrue(Endpoint.objects.get(pk=self.endpoint.pk).is_active)  # four failures, but not for an hour
        self.at(hours=1)
        endpoint = Endpoint.objects.get(pk=self.endpoint.pk)
        self.assertFalse(endpoint.is_active)
        self.assertEqual(endpoint.paused_at, self.now)
        self.assertIn("attempts in a row failed", endpoint.paused_reason)
        self.assertIn("HTTP 500", endpoint.paused_reason)
        [message] = mail.outbox
        self.assertEqual(message.to, ["dev@partner.example"])
        self.assertEqual(message.subject, "Webhooks paused: Partner app")
        self.assertIn(self.receiver.url, message.body)
        self.assertIn(f"/admin/webhooks/endpoints/edit/{endpoint.pk}/", message.body)
        self.assertIn("and those that happen while the endpoint is paused, keep waiting", message.body)
        self.client.force_login(User.objects.create_superuser("root", "root@caspian.example", "pass phrase"))
        inspect = self.client.get(reverse("webhook_endpoints:inspect", args=[endpoint.pk]))
        self.assertContains(inspect, "Paused (kept failing) since")
        entry = ModelLogEntry.objects.get(action="caspian.webhooks.paused")
        self.assertEqual(entry.object_id, str(endpoint.pk))
        self.assertIn("Paused, as it kept failing", entry.message)
        # Paused: nothing more is sent, but what waits is kept.
        sent = len(self.receiver.received)
        self.assertEqual(self.at(hours=1), 0)
        self.assertEqual(len(self.receiver.received), sent)
        self.assertEqual(
            {first.pk, second.pk} & set(Delivery.objects.filter(status=Delivery.PENDING).values_list("pk", flat=True)),
            {first.pk, second.pk},
        )

        # An administrator resumes it once the partner is fixed: the waiting deliveries go out.
        self.receiver.fail_first = 0
        endpoint.is_active = True
        endpoint.save()
        endpoint.refresh_from_db()
        self.assertEqual((endpoint.paused_at, endpoint.consecutive_failures, endpoint.failing_since), (None, 0, None))
        self.assertEqual(self.at(hours=1), 2)
        self.assertEqual(Delivery.objects.filter(status=Delivery.SUCCEEDED).count(), 2)
        self.assertEqual(len(mail.outbox), 1)


@override_settings(WEBHOOKS_ALLOW_PRIVATE_ADDRESSES=False)
class AddressTests(SimpleTestCase):
    """IPv6 forms that carry an IPv4 address reach that address: they are as private as it is."""

    def test_ipv6_addresses_carrying_a_private_ipv4_address_are_refused(self):
        for address in [
            "::ffff:127.0.0.1",  # IPv4-mapped
            "::127.0.0.1",  # IPv4-compatible
            "::a9fe:a9fe",  # IPv4-compatible, 169.254.169.254
            "::ffff:0:7f00:1",  # IPv4-translated
            "::ffff:0:a00:1",  # IPv4-translated, 10.0.0.1
            "64:ff9b::7f00:1",  # NAT64, 127.0.0.1
            "64:ff9b::a9fe:a9fe",  # NAT64, 169.254.169.254
            "64:ff9b::c0a8:101",  # NAT64, 192.168.1.1
            "64:ff9b:1::808:808",  # local-use NAT64: refused whatever it carries
            "64:ff9b:1:7f00:1::",
            "2002:7f00:1::",  # 6to4, 127.0.0.1
            "2002:a9fe:a9fe::",  # 6to4, 169.254.169.254
            "2002:a00:1::1",  # 6to4, 10.0.0.1
        ]:
            with self.subTest(address), self.assertRaisesMessage(outbound.Refused, "private or local address"):
                outbound.check_url(f"http://[{address}]/hooks")

    def test_ipv6_addresses_carrying_a_public_ipv4_address_and_plain_ones_are_allowed(self):
        for address in ["64:ff9b::808:808", "2002:808:808::1", "::ffff:8.8.8.8", "2606:4700:4700::1111"]:
            with self.subTest(address):
                self.assertEqual(outbound.check_url(f"http://[{address}]/hooks"), [address])
        for address in ["::", "::1", "fe80::1", "fd00::1"]:  # themselves, not IPv4 addresses: still refused
            with self.subTest(address):
                self.assertFalse(outbound.is_public(address))


class PausedEndpointTests(SendingTestCase):
    def test_events_while_an_endpoint_is_paused_wait_and_go_out_when_it_is_resumed(self):
        sending.pause(self.endpoint, "HTTP 500", now=self.now)
        article = self.publish(self.draft(title="Published while the partner was paused"))
        self.assertEqual(self.at(minutes=5), 0)  # paused: nothing is sent
        self.assertEqual(self.receiver.received, [])
        endpoint = Endpoint.objects.get(pk=self.endpoint.pk)
        endpoint.is_active = True
        endpoint.save()
        self.assertEqual(self.at(minutes=5), 1)
        [received] = self.receiver.received
        self.assertEqual((received.payload["type"], received.payload["data"]["id"]), ("article.published", article.pk))
        self.assertEqual(Delivery.objects.get().status, Delivery.SUCCEEDED)
