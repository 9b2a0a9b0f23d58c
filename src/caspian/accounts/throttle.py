"""Sign-in throttling: failed attempts slow signing in down, then lock it, per account name and per address.

Contract: :func:`refusal` is asked before a password is checked, and when it
answers, the password is not checked at all; :func:`record_failure` is told
of every failed or refused attempt; :func:`record_success` clears the
account's count. The same happens whether or not an account of that name
exists, and the message (:data:`THROTTLED_MESSAGE`) never says which limit
was reached, so the answers tell an attacker nothing about the accounts.

An account name slows down after ``SIGNIN_SLOW_AFTER`` failures and locks
after ``SIGNIN_LOCK_AFTER``; an address only locks, after
``SIGNIN_IP_LOCK_AFTER`` (a newsroom often signs in from one address).
Waits are answered, not slept: an attempt made before the wait is over is
refused with the message and counts as a failure (it is a guess too).
Locks end after ``SIGNIN_LOCK_MINUTES`` (the cool-off) or when an
administrator lifts them (:func:`release`); both are in the audit log.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import audit
from .models import SignInThrottle, account_key

THROTTLED_MESSAGE = (
    "Too many failed sign-in attempts for this account or from this address, so signing in is paused "
    "for a while. Try again later, or ask an administrator to lift the lock."
)
# The longest wait between attempts before the lock (the waits double from one second).
MAX_WAIT = datetime.timedelta(minutes=1)


def refusal(username, ip, now=None):
    """Until when an attempt for ``username`` from ``ip`` is refused unheard, or ``None`` if it may be checked.

    A lock found run out (the cool-off is over) is cleared and logged here.
    """
    now = now or timezone.now()
    until = None
    for throttle in SignInThrottle.objects.for_attempt(username, ip):
        if throttle.locked_until is not None and throttle.locked_until <= now:
            clear(throttle, reason="cool-off")
            continue
        refused = throttle.refusal_until(now)
        if refused is not None:
            until = max(until or refused, refused)
    return until


def record_failure(username, ip, user=None, refused=False, now=None):
    """Count a failed (or refused) attempt against the account name and the address; lock those over the limit.

    ``user`` is the account of that name if there is one (for the audit log
    only). Attempts while locked are logged but not counted, so a lock ends
    when its time is up however much it is hammered. Returns the throttles
    locked by this attempt.
    """
    now = now or timezone.now()
    newly_locked = []
    with transaction.atomic():
        for kind, key, lock_after in SignInThrottle.keys_for(username, ip):
            throttle, _created = SignInThrottle.objects.select_for_update().get_or_create(kind=kind, key=key)
            if throttle.is_locked(now):
                continue
            if throttle.last_failure_at and now - throttle.last_failure_at > lock_duration():
                throttle.failures = 0  # old failures are forgiven after as long as a lock lasts
            throttle.failures += 1
            throttle.last_failure_at = now
            if throttle.failures >= lock_after:
                throttle.locked_until = now + lock_duration()
                throttle.wait_until = None
                newly_locked.append(throttle)
            elif kind == SignInThrottle.ACCOUNT and throttle.failures >= settings.SIGNIN_SLOW_AFTER:
                # Only the account slows down: an office behind one address must not wait for one person's typos.
                steps = throttle.failures - settings.SIGNIN_SLOW_AFTER
                throttle.wait_until = now + min(datetime.timedelta(seconds=2 ** min(steps, 16)), MAX_WAIT)
            throttle.save()
    audit.sign_in_failed(username, ip, user=user, refused=refused)
    for throttle in newly_locked:
        audit.log(
            throttle, audit.LOCKED, data={"failures": throttle.failures, "until": throttle.locked_until.isoformat()}
        )
    return newly_locked


def record_success(username):
    """A correct password (and no refusal): the account's failures are forgiven. The address's are kept."""
    SignInThrottle.objects.filter(
        kind=SignInThrottle.ACCOUNT, key=account_key(username), locked_until__isnull=True
    ).delete()


def release(throttle, by):
    """Lift ``throttle``'s lock and forget its failures: an administrator (``by``) decided so."""
    clear(throttle, reason="administrator", user=by)


def clear(throttle, reason, user=None):
    """Forget ``throttle``'s failures and lock; a lock that was on is logged as lifted (``reason``)."""
    was_locked = throttle.locked_until is not None
    SignInThrottle.objects.filter(pk=throttle.pk).update(failures=0, wait_until=None, locked_until=None)
    throttle.failures, throttle.wait_until, throttle.locked_until = 0, None, None
    if was_locked:
        audit.log(throttle, audit.UNLOCKED, user=user, data={"reason": reason})


def lock_duration():
    return datetime.timedelta(minutes=settings.SIGNIN_LOCK_MINUTES)
