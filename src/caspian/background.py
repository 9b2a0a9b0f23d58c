"""Work that must not hold up a reader's request.

With ``CASPIAN_TASKS_BACKEND=database`` (production) a task is queued for
``caspian worker``. The embedded default runs tasks inline, which would
make the reader wait, so there the task runs in a thread of the app server
instead.
"""

import logging
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


# Jobs `caspian worker` queues for itself every HOUSEKEEPING_SECONDS, so no
# cron is needed: (module, task name) pairs, imported when first queued.
HOUSEKEEPING = [("caspian.comments.tasks", "purge_ip_addresses")]
HOUSEKEEPING_SECONDS = 3600


def queue_housekeeping():
    """Queue each housekeeping job once (the worker calls this at start and then hourly)."""
    for module, name in HOUSEKEEPING:
        getattr(import_module(module), name).enqueue()


def housekeep_if_due():
    """Queue the housekeeping jobs if nobody has in the last hour.

    For sites without `caspian worker` (the embedded default, where tasks
    run inline: the jobs are single indexed UPDATEs, done in a moment): the
    comment views call this, so old IP addresses are forgotten on time
    wherever comments come and go. One cache ``add`` when not due.
    """
    if cache.add("caspian:housekeeping-queued", True, timeout=HOUSEKEEPING_SECONDS):
        queue_housekeeping()


def start_housekeeping_timer():
    """Queue the housekeeping jobs now and every hour after, from a daemon thread of the worker."""
    queue_housekeeping()

    def loop():
        while True:
            time.sleep(HOUSEKEEPING_SECONDS)
            try:
                queue_housekeeping()
            except Exception:  # the database may be away for a moment; try again next hour
                logger.exception("Could not queue the housekeeping jobs")
            finally:
                connections.close_all()

    threading.Thread(target=loop, name="housekeeping", daemon=True).start()
