"""When the database or the cache stops answering: skip it, say so once, and know when it is back.

A news site's worst day is the one its database restarts during a story,
or its cache node freezes. Each of the two has an :class:`Outage` per
process: the cache backend (:class:`caspian.cache.RedisCache`) and the
error handler (:mod:`caspian.unavailable`) report failures and successes
to it, and it logs one line when an outage starts and one when it ends,
with how many operations or requests it cost, instead of a traceback per
request.

For the cache it is also a circuit breaker: after a failure, the cache is
not asked again for :attr:`Outage.retry_seconds`, then one caller at a
time may try it (a *probe*), so a dead or frozen cache costs a request
nothing while it is out, and one request per interval the cache's short
timeout.
"""

import logging
import threading
import time

from django.db import InterfaceError, OperationalError

logger = logging.getLogger(__name__)

# What Django raises when the database cannot be reached, or went away mid-request.
DATABASE_ERRORS = (OperationalError, InterfaceError)


class Outage:
    """One dependency's state in this process: answering, or out since a failure.

    ``retry_seconds``: how long callers that ask :meth:`available` are
    told to go without it after a failure; ``consequence``: what readers
    get meanwhile, for the log.
    """

    def __init__(self, name, retry_seconds, consequence):
        self.name = name
        self.retry_seconds = retry_seconds
        self.consequence = consequence
        self.lock = threading.Lock()
        self.since = None  # time.monotonic() of the first failure of this outage; None: answering
        self.next_try = 0.0
        self.failures = 0
        self.skipped = 0
        self.recovered = []  # callables run once the dependency answers again

    @property
    def down(self):
        return self.since is not None

    def down_for(self):
        """Seconds since this outage began; 0 when there is none."""
        since = self.since
        return 0.0 if since is None else time.monotonic() - since

    def available(self):
        """Whether to ask the dependency now: always while it answers, then once per ``retry_seconds``."""
        if self.since is None:
            return True
        now = time.monotonic()
        with self.lock:
            if self.since is not None and now < self.next_try:
                self.skipped += 1
                return False
            self.next_try = now + self.retry_seconds  # this caller probes; the others keep going without
            return True

    def failed(self, error):
        """Record a failure: the first of an outage is logged, the rest counted."""
        with self.lock:
            self.failures += 1
            self.next_try = time.monotonic() + self.retry_seconds
            if self.since is not None:
                return
            self.since = time.monotonic()
        logger.error(
            "The %s does not answer (%s: %s). %s", self.name, type(error).__name__, _first_line(error), self.consequence
        )

    def succeeded(self):
        """Record a success: ends an outage (logged with what it cost) and runs the recovery callbacks."""
        if self.since is None:
            return
        with self.lock:
            if self.since is None:
                return
            lasted, failures, skipped = time.monotonic() - self.since, self.failures, self.skipped
            self.since, self.failures, self.skipped = None, 0, 0
            callbacks, self.recovered = self.recovered, []
        logger.warning(
            "The %s answers again after %.1f s out (%d failed, %d skipped).", self.name, lasted, failures, skipped
        )
        for callback in callbacks:
            callback()

    def when_back(self, callback):
        """Run ``callback`` once the dependency answers again (at once if it answers now)."""
        with self.lock:
            if self.since is not None:
                self.recovered.append(callback)
                return
        callback()

    def reset(self):
        """Forget any outage (tests)."""
        with self.lock:
            self.since, self.failures, self.skipped, self.next_try, self.recovered = None, 0, 0, 0.0, []


def _first_line(error):
    return (str(error).strip().splitlines() or [""])[0][:200]


# The shared cache (Redis): skipped for a few seconds after a failure.
CACHE = Outage(
    "cache",
    retry_seconds=5.0,
    consequence="Pages are served without it (from the database, or this process's copies); tried again every 5 s.",
)
# The database: never skipped (each request may find it back), only reported.
DATABASE = Outage(
    "database",
    retry_seconds=0.0,
    consequence="Pages not in the page cache answer 503 (or their last good copy) until it is back.",
)
