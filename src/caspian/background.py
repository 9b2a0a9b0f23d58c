"""Work that must not hold up a reader's request, and work that runs on a clock.

With ``CASPIAN_TASKS_BACKEND=database`` (production) a task is queued for
``caspian worker``. The embedded default runs tasks inline, which would
make the reader wait, so there the task runs in a thread of the app server
instead.

The :class:`Scheduler` runs the jobs nobody asks for: publishing what
editors scheduled, keeping the weather fresh, hourly housekeeping. Each
app registers its own with :func:`every_round` and :func:`hourly` from its
``AppConfig.ready()``. It runs in `caspian worker` with the database
backend, else in `caspian serve` (and `caspian demo`); no cron is needed.
"""

import functools
import logging
import os
import threading
import time

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


# The scheduler's jobs, name → job and task path → task. Each app adds its
# own from AppConfig.ready() through every_round() and hourly(), so this
# module names none of them.
round_jobs = {}
hourly_tasks = {}


def every_round(name, job):
    """Have the scheduler call ``job()`` every round; ``name`` is what the log calls it.

    For an app's ``AppConfig.ready()``. Jobs run in the order registered,
    each on its own: one that raises is logged ("Scheduled <name> job
    failed") and the others still run, and the next round tries it again.
    A job should take a moment; slow work it queues as a task. Registering
    ``name`` again replaces its job, so ``ready()`` may run twice.
    """
    round_jobs[name] = job


def hourly(task):
    """Have the housekeeping queue ``task`` (a task taking no arguments) once an hour.

    For an app's ``AppConfig.ready()``. The scheduler queues it hourly (see
    :func:`housekeep_if_due`); with tasks inline it runs there and then, so
    it must be quick. Registering the same task again changes nothing.
    """
    hourly_tasks[task.module_path] = task


HOUSEKEEPING_SECONDS = 3600


def queue_housekeeping():
    """Queue each :func:`hourly` task once, now; :func:`housekeep_if_due` calls it at most hourly."""
    for task in hourly_tasks.values():
        task.enqueue()


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


def run_scheduled_jobs():
    """One round of the scheduler: each :func:`every_round` job, then the housekeeping if an hour has passed.

    Each job runs on its own, so one failing spares the others.
    """
    for name, job in {**round_jobs, "housekeeping": housekeep_if_due}.items():
        try:
            job()
        except Exception:  # the database may be away for a moment; the next round tries again
            logger.exception("Scheduled %s job failed", name)


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

    ``interval`` defaults to the ``SCHEDULER_SECONDS`` setting. One runs in
    `caspian worker` (database tasks backend), or else in the parent
    process of `caspian serve` and `caspian demo`, never in the app
    server's worker processes: one per server (or worker) is enough, and
    the scheduling pass itself makes sure passes never overlap.
    """

    def __init__(self, interval=None):
        self.interval = settings.SCHEDULER_SECONDS if interval is None else interval
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
