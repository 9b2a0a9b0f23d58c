"""Work that must not hold up a reader's request.

With ``CASPIAN_TASKS_BACKEND=database`` (production) a task is queued for
``caspian worker``. The embedded default runs tasks inline, which would
make the reader wait, so there the task runs in a thread of the app server
instead.
"""

import logging
import threading

from django.conf import settings
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
