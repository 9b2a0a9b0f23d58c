"""/healthz: is this app server able to serve? For load balancers and `caspian serve` checks.

It answers within :data:`DEADLINE_SECONDS` whatever the database and the
cache do: each is asked in a thread of its own, and one that has not
answered by then counts as failing (a frozen server does not refuse a
connection, it never answers). Outages are logged by :mod:`caspian.outages`,
once each, not on every check.
"""

import threading
import time

from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from . import outages

DEADLINE_SECONDS = 0.8


@never_cache
def healthz(request):
    """200 when the database and the cache answer, 503 (saying which failed) when not."""
    checks = _answers({"database": _database_ok, "cache": _cache_ok}, DEADLINE_SECONDS)
    status = 200 if all(checks.values()) else 503
    return JsonResponse({name: "ok" if ok else "failing" for name, ok in checks.items()}, status=status)


def _answers(checks, deadline):
    """Each check's result, run side by side; ``False`` for one still running after ``deadline`` seconds."""
    results = {}
    threads = [
        threading.Thread(target=lambda name=name, check=check: results.update({name: check()}), daemon=True)
        for name, check in checks.items()
    ]
    for thread in threads:
        thread.start()
    end = time.monotonic() + deadline
    for thread in threads:
        thread.join(max(0.0, end - time.monotonic()))
    return {name: results.get(name) is True for name in checks}


def _database_ok():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        outages.DATABASE.failed(error)
        return False
    else:
        return True
    finally:
        connection.close()  # this thread's own connection (an in-memory test database ignores it)


def _cache_ok():
    try:
        cache.set("healthz", "ok", timeout=10)
        return cache.get("healthz") == "ok"
    except Exception:  # any backend error means the cache is not usable (RedisCache logs its outages)
        return False
