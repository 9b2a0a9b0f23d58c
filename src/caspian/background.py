"""Work that must not hold up a reader's request, and work that runs on a clock.

With ``CASPIAN_TASKS_BACKEND=database`` (production) a task is queued for
``caspian worker``. The embedded default runs tasks inline, which would
make the reader wait, so there the task runs in a thread of the app server
instead.

The :class:`Scheduler` runs the jobs nobody asks for: publishing what
editors scheduled, keeping the weather fresh, hourly housekeeping. It runs
in `caspian worker` with the database backend, else in `caspian serve`
(and `caspian demo`); no cron is needed.
"""

import functools
import logging
import os
import threading
import time
from importlib import import_module

from django.conf import settings
from django.core.cache import cache
from django.db import connections

logger = logging.getLogger(__name__)


def run_in_background(task, *args):
    """Queue ``task(*args)`` for the worker, or run it in a thread when tasks run inline."""
    if settings.TASKS_BACKEND == "database":
        task.enqueue(*args)
    else:
        threading.Thread(target=_call_quietly, args=(task, args), name=task.name, daemon=True).start()


def _call_quietly(task, args):
    try:
        task.call(*args)
    except Exception:  # a surprise must not print a thread traceback per request
        logger.exception("Background task %s failed", task.name)
    finally:
        connections.close_all()


# Jobs the scheduler queues every HOUSEKEEPING_SECONDS, so no cron is
# needed: (module, task name) pairs, imported when first queued.
HOUSEKEEPING = [("caspian.comments.tasks", "purge_ip_addresses"), ("caspian.newsroom.tasks", "optimize_database")]
HOUSEKEEPING_SECONDS = 3600


def queue_housekeeping():
    """Queue each housekeeping job once (hourly through :func:`housekeep_if_due`; `caspian worker --batch` at once)."""
    for module, name in HOUSEKEEPING:
        getattr(import_module(module), name).enqueue()


def housekeep_if_due():
    """Queue the housekeeping jobs if nobody has in the last hour.

    The scheduler calls this every round. The comment views call it too, so
    old IP addresses are forgotten on time wherever comments come and go,
    even under an app server that runs no scheduler (with tasks inline the
    jobs run there and then: an indexed UPDATE and, on SQLite, a bounded
    ANALYZE, done in a moment). One cache ``add`` when not due.
    """
    if cache.add("caspian:housekeeping-queued", True, timeout=HOUSEKEEPING_SECONDS):
        queue_housekeeping()


# How often the scheduler wakes: publish-at and expire-at times are carried
# out within this long, so "within a minute" holds with room to spare.
SCHEDULER_SECONDS = 30


def run_scheduled_jobs():
    """One round of the scheduler's jobs, each on its own so one failing spares the others.

    Publishes and unpublishes what is due (:func:`~caspian.newsroom.tasks.publish_scheduled`),
    asks for a new weather reading where the last has gone stale, and
    queues the housekeeping jobs when an hour has passed.
    """
    from .newsroom.tasks import publish_scheduled

    jobs = {"publishing": publish_scheduled.call, "weather": refresh_stale_weather, "housekeeping": housekeep_if_due}
    for name, job in jobs.items():
        try:
            job()
        except Exception:  # the database may be away for a moment; the next round tries again
            logger.exception("Scheduled %s job failed", name)


def refresh_stale_weather():
    """Ask for a new reading for each site's masthead weather that has gone stale.

    Otherwise only a reader's page view asks, and the first page rendered
    after a quiet spell (then kept in the page cache) would show a reading
    hours old. :func:`~caspian.masthead.weather.current` queues the refresh
    as a page view would, at most one a minute per location.
    """
    from .masthead import weather
    from .masthead.models import MastheadSettings

    locations = {masthead.weather_location for masthead in MastheadSettings.objects.all()}
    for location in locations - {None}:
        weather.current(location)


# Held through each round. `caspian serve` forks its workers from the process
# the scheduler runs in, and a fork in the middle of a round could leave a
# worker with a lock (SQLite's, say) that no thread of its own will release.
_round_lock = threading.Lock()


@functools.cache
def _keep_forks_out_of_rounds():
    os.register_at_fork(
        before=_round_lock.acquire, after_in_parent=_round_lock.release, after_in_child=_round_lock.release
    )


class Scheduler:
    """Runs :func:`run_scheduled_jobs` every ``interval`` seconds, from a daemon thread.

    One runs in `caspian worker` (database tasks backend), or else in the
    parent process of `caspian serve` and `caspian demo`, never in the app
    server's worker processes: one per server (or worker) is enough, and
    the scheduling pass itself makes sure passes never overlap.
    """

    def __init__(self, interval=SCHEDULER_SECONDS):
        self.interval = interval
        self._stopping = threading.Event()

    def step(self):
        """One round of jobs (the loop calls this; so does `caspian worker --batch`)."""
        run_scheduled_jobs()

    def run(self):
        """Call :meth:`step` every ``interval`` seconds until :meth:`stop`."""
        next_round = time.monotonic()
        while not self._stopping.is_set():
            with _round_lock:
                try:
                    self.step()
                except Exception:  # the thread must outlive any surprise, or scheduling stops unnoticed
                    logger.exception("Scheduler round failed")
                finally:
                    connections.close_all()  # this thread's: nothing held open between rounds
            # A round that overran is followed at once by one round, not by all it missed.
            next_round = max(next_round + self.interval, time.monotonic())
            self._stopping.wait(next_round - time.monotonic())

    def start(self):
        """Run the loop in a daemon thread; returns the thread."""
        _keep_forks_out_of_rounds()
        thread = threading.Thread(target=self.run, name="caspian-scheduler", daemon=True)
        thread.start()
        return thread

    def stop(self):
        """Let the loop end after the round in progress."""
        self._stopping.set()
