"""/healthz: is this app server able to serve? For load balancers and `caspian serve` checks."""

import logging

from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)


@never_cache
def healthz(request):
    """200 when the database and the cache answer, 503 (saying which failed) when not."""
    checks = {"database": _database_ok(), "cache": _cache_ok()}
    status = 200 if all(checks.values()) else 503
    return JsonResponse({name: "ok" if ok else "failing" for name, ok in checks.items()}, status=status)


def _database_ok():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except DatabaseError:
        logger.exception("Health check: the database does not answer")
        return False


def _cache_ok():
    try:
        cache.set("healthz", "ok", timeout=10)
        return cache.get("healthz") == "ok"
    except Exception:  # any backend error means the cache is not usable
        logger.exception("Health check: the cache does not answer")
        return False
