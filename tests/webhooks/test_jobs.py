"""The scheduler sends what is due, off its own thread; `caspian worker` does it in production."""

import threading

import pytest
from click.testing import CliRunner
from django.utils import timezone

from caspian import background
from caspian.cli import main
from caspian.webhooks import events, jobs, sending
from caspian.webhooks.models import Delivery, Endpoint, Event
from caspian.webhooks.tasks import deliver_webhooks, forget_old_webhook_deliveries

from .helpers import WebhooksTestCase
from .receiver import WebhookReceiver


@pytest.mark.pure
def test_webhooks_register_their_jobs_with_the_scheduler():
    assert background.round_jobs["webhooks"] is jobs.queue_due_deliveries
    assert (
        background.hourly_tasks["caspian.webhooks.tasks.forget_old_webhook_deliveries"] is forget_old_webhook_deliveries
    )


class RoundTests(WebhooksTestCase):
    def test_a_round_with_nothing_due_costs_one_query_and_queues_nothing(self):
        with self.assertNumQueries(1):
            self.assertFalse(jobs.queue_due_deliveries())

    def test_old_events_with_nothing_left_to_send_are_forgotten(self):
        data = events.article_data(self.article)
        old = events.record("article.published", data, now=timezone.now() - timezone.timedelta(days=31))
        waiting = events.record("article.updated", data, now=timezone.now() - timezone.timedelta(days=31))
        recent = events.record("article.corrected", data)
        Delivery.objects.filter(event=old).update(status=Delivery.SUCCEEDED)
        self.assertEqual(sending.forget_old_deliveries(), 1)
        self.assertEqual(set(Event.objects.all()), {waiting, recent})

    def test_what_waits_for_a_paused_endpoint_is_kept_as_long_as_the_log(self):
        data = events.article_data(self.article)
        month_ago = timezone.now() - timezone.timedelta(days=31)
        events.record("article.published", data, now=month_ago)
        recent = events.record("article.updated", data)
        Endpoint.objects.filter(pk=self.endpoint.pk).update(is_active=False)
        self.assertEqual(sending.forget_old_deliveries(), 1)  # not sent a month of old news on resuming
        self.assertEqual(list(Event.objects.all()), [recent])


# The sending thread and the worker use database connections of their own, so these tests
# cannot run inside a transaction; the rows they made are rolled back after.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_without_a_worker_a_round_sends_what_is_due_in_a_thread_of_its_own():
    with WebhookReceiver() as receiver:
        endpoint = Endpoint.objects.create(
            url=receiver.url, description="Partner", owner_email="p@partner.example", events=["article.deleted"]
        )
        receiver.secret = endpoint.secret
        events.record("article.deleted", {"id": 1, "headline": "Gone"})
        # The webhooks' job of a scheduler round (tasks inline, the embedded default) starts a thread.
        # Only this job: the round's others would start threads that outlive the test.
        background.round_jobs["webhooks"]()
        for thread in threading.enumerate():
            if thread.name == deliver_webhooks.name:
                thread.join(10)
    assert receiver.received[0].verified
    assert Delivery.objects.get().status == Delivery.SUCCEEDED


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_caspian_worker_sends_the_deliveries_due(settings):
    settings.TASKS_BACKEND = "database"
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with WebhookReceiver() as receiver:
        endpoint = Endpoint.objects.create(
            url=receiver.url, description="Partner", owner_email="p@partner.example", events=["article.deleted"]
        )
        receiver.secret = endpoint.secret
        events.record("article.deleted", {"id": 1, "headline": "Gone"})
        outcome = CliRunner().invoke(main, ["worker", "--batch"], catch_exceptions=False)
        assert outcome.exit_code == 0
        assert [r.payload["data"] for r in receiver.received] == [{"id": 1, "headline": "Gone"}]
    assert Delivery.objects.get().status == Delivery.SUCCEEDED
    assert deliver_webhooks.name == "deliver_webhooks"
