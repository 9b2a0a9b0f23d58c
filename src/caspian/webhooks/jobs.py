"""Webhooks' scheduled jobs, registered with :mod:`caspian.background` from ``WebhooksConfig.ready()``."""

from django.utils import timezone

from .. import background
from .models import Delivery
from .tasks import deliver_webhooks, forget_old_webhook_deliveries


def queue_due_deliveries():
    """If a delivery is due, have them sent off the scheduler's thread: queued for the worker, or in a thread.

    One indexed query when nothing is due. Sending takes seconds per slow
    endpoint, which a round must not wait for; two runs at once are safe
    (deliveries are claimed).
    """
    if Delivery.objects.due(timezone.now()).exists():
        background.run_in_background(deliver_webhooks)
        return True
    return False


# Every round: a retry due is sent within CASPIAN_SCHEDULER_SECONDS of its time.
background.every_round("webhooks", queue_due_deliveries)
background.hourly(forget_old_webhook_deliveries)
