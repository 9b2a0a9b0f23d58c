"""Background work for webhooks (django-tasks: `caspian worker` in production, a thread of the app server otherwise)."""

from django_tasks import task

from . import sending


@task()
def deliver_webhooks():
    """Send the deliveries due now (see :func:`.sending.deliver_due`); returns how many attempts were made."""
    return sending.deliver_due()


@task()
def forget_old_webhook_deliveries():
    """Hourly housekeeping: forget events older than CASPIAN_WEBHOOKS_KEEP_DAYS with nothing left to send."""
    return sending.forget_old_deliveries()
