"""Background work for staff accounts: forgetting what no longer matters (hourly, see ``jobs.py``)."""

from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from . import throttle
from .models import SignInThrottle, StaffSession
from .throttle import lock_duration


@task()
def forget_old_sign_in_records():
    """Drop sessions-list rows of sessions long over, and failure counts old enough to be forgiven.

    Locks still running are kept; a lock run out is cleared (and logged)
    when the next attempt finds it, or here once forgiven. The audit log
    keeps its entries whatever this drops.
    """
    now = timezone.now()
    StaffSession.objects.stale(now).delete()
    forgiven = SignInThrottle.objects.filter(
        Q(last_failure_at__lt=now - lock_duration()) | Q(last_failure_at__isnull=True)
    ).exclude(locked_until__gt=now)
    for ran_out in forgiven.filter(locked_until__isnull=False):
        throttle.clear(ran_out, reason="cool-off")  # so that the log says the lock ended
    forgiven.delete()
