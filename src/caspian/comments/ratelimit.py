"""Counting comment posts per IP address and per email in the shared cache.

Fixed windows (``COMMENTS_RATE_LIMIT``, e.g. ``5/minute``): the first post
in a window creates the counter with ``add`` and each post ``incr``s it.
Both are atomic on Redis, so the limit holds across all app servers and
workers. The embedded default's file cache counts nearly exactly (two
processes may both read the same count). A cache that cannot be reached
lets posts through: a lost comment is worse than a missed limit.
"""

import hashlib
import logging
import time

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)
PERIODS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}


def limit():
    """``(posts, seconds)`` from ``COMMENTS_RATE_LIMIT``."""
    count, period = settings.COMMENTS_RATE_LIMIT.split("/")
    return int(count), PERIODS[period]


def hit(action, **identities):
    """Count one ``action`` (``"post"``, ``"report"``) for each identity (``ip=…``, ``email=…``).

    Returns ``None`` when the post is within the limit, else the seconds
    until the reader may post again.
    """
    allowed, period = limit()
    now = time.time()
    window = int(now // period)
    wait = None
    for scope, identity in identities.items():
        if not identity:
            continue
        digest = hashlib.sha256(str(identity).lower().encode()).hexdigest()[:24]
        key = f"comments:rate:{action}:{scope}:{digest}:{window}"
        count = _count(key, period)
        if count is not None and count > allowed:
            wait = max(1, int((window + 1) * period - now + 0.999))
    return wait


def _count(key, period):
    """Add one to ``key``'s counter; ``None`` when the cache cannot count."""
    try:
        cache.add(key, 0, timeout=period + 1)
        try:
            count = cache.incr(key)  # None from a Redis cache that ignores its errors
        except ValueError:  # expired between add and incr: this post starts a new count
            count = 1 if cache.add(key, 1, timeout=period + 1) else None
    except Exception:  # noqa: BLE001 — any cache failure: count nothing, lose nothing
        count = None
    if count is None:
        logger.warning("Comment rate limit not counted: the cache is unavailable")
    return count
