"""Who is asking: the API key on a request, its rate limit and its usage counts.

A key comes as ``Authorization: Bearer <key>`` or ``X-API-Key: <key>``. A
request without one is anonymous (allowed unless ``CASPIAN_API_REQUIRE_KEY``).
A key header that is empty, or holds something no key of ours looks like, is
refused at once: without a database lookup, and without a cache entry saying
it is unknown (a client inventing keys fills neither).

Everything per request happens in the shared cache (Redis in production),
so limits and counts hold across worker processes and app servers, and a
request costs no database write:

- the key itself is looked up by its hash once and kept for
  :data:`KEY_SECONDS` (saving or deleting a key forgets it at once, so a
  revoked key is refused on the next request);
- the rate limit is a counter per key and minute (a fixed window);
- usage is a counter per key and day, which :func:`fold_usage` (a
  scheduled job, see :mod:`.jobs`) moves into ``ApiKeyUsage`` rows.

If the shared cache does not answer, requests are let through uncounted
rather than refused: the API stays up through a cache outage.
"""

import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.db.models.signals import post_delete, post_save

from .models import KEY_PREFIX, ApiKey, ApiKeyUsage, hash_key, looks_like_a_key

KEY_SECONDS = 300
# Day counters outlive their day long enough for the fold to find them.
USAGE_SECONDS = 3 * 24 * 3600
DAYS_FOLDED = 2  # today and yesterday (UTC)


class KeyRefused(Exception):
    """The request's key cannot be used: ``status`` 401 (unknown, revoked) or 429 (over its rate limit)."""

    def __init__(self, status, message, retry_after=None):
        super().__init__(message)
        self.status, self.message, self.retry_after = status, message, retry_after


@dataclass(frozen=True)
class Caller:
    """A partner's key as kept in the cache: what a request needs of it."""

    key_id: int
    partner: str
    rate_limit: int


def key_from_headers(meta):
    """The key a request carries (``Authorization: Bearer`` or ``X-API-Key``), ``""`` if none.

    Raises :class:`KeyRefused` (401) for an ``Authorization`` header, even an
    empty one, that is not a bearer key: the page cache does not answer a
    request with that header, so it must not be served as anonymous.
    """
    authorization = meta.get("HTTP_AUTHORIZATION")
    if authorization is not None:
        scheme, _, value = authorization.partition(" ")
        if scheme.lower() == "bearer" and value.strip():
            return value.strip()
        raise KeyRefused(401, "Send the API key as 'Authorization: Bearer <key>' or 'X-API-Key: <key>'.")
    return meta.get("HTTP_X_API_KEY", "").strip()


def _cache_key(key_hash):
    return f"caspian:api:key:{key_hash}"


def caller_for(raw_key):
    """The :class:`Caller` for ``raw_key``; raises :class:`KeyRefused` (401) for an unknown or revoked key.

    Something that is not a key of ours (empty, another length, no prefix)
    is refused before any lookup, and not remembered as unknown.
    """
    if not looks_like_a_key(raw_key):
        raise KeyRefused(
            401,
            f"This API key is not valid: Caspian keys start with {KEY_PREFIX!r}, as given in the admin. "
            "Ask the newsroom for a key.",
        )
    key_hash = hash_key(raw_key)
    caller = _cache_get(_cache_key(key_hash))
    if caller is None:
        key = ApiKey.objects.filter(key_hash=key_hash, active=True).first()
        caller = Caller(key.pk, key.partner, key.rate_limit) if key else False
        _cache_set(_cache_key(key_hash), caller, KEY_SECONDS)
    if not caller:
        raise KeyRefused(401, "This API key is not valid: it is unknown or was revoked. Ask the newsroom for a key.")
    return caller


def count_request(caller, now=None):
    """Count a request by ``caller``; raises :class:`KeyRefused` (429, with the seconds to wait) over its limit."""
    now = time.time() if now is None else now
    minute = int(now // 60)
    used = _incr(f"caspian:api:rate:{caller.key_id}:{minute}", 120)
    day = _day_key(caller.key_id, datetime.fromtimestamp(now, UTC).date())
    if used is not None and used > caller.rate_limit:
        _incr(f"{day}:refused", USAGE_SECONDS)
        retry_after = max(1, 60 - int(now % 60))
        raise KeyRefused(
            429,
            f"Rate limit reached: this key may make {caller.rate_limit} requests a minute. "
            f"Try again in {retry_after} seconds.",
            retry_after=retry_after,
        )
    _incr(day, USAGE_SECONDS)


def _day_key(key_id, day):
    return f"caspian:api:usage:{key_id}:{day.isoformat()}"


def _incr(name, timeout):
    """Add one to the counter ``name`` (created with ``timeout``); its new value, ``None`` if the cache is out."""
    try:
        cache.add(name, 0, timeout=timeout)
        return cache.incr(name)
    except ValueError:  # expired between add and incr: start again
        cache.set(name, 1, timeout=timeout)
        return 1
    except Exception:  # the shared cache does not answer: let the request through uncounted
        return None


def _cache_get(name):
    try:
        return cache.get(name)
    except Exception:
        return None


def _cache_set(name, value, timeout):
    try:
        cache.set(name, value, timeout=timeout)
    except Exception:
        pass


def fold_usage(today=None):
    """Move the day counters of every key from the shared cache into ``ApiKeyUsage`` rows.

    Safe to run from several processes at once (see :func:`fold_counted`).
    Returns the number of requests folded in.
    """
    return fold_counted(counted(today))


def counted(today=None):
    """What the day counters of every key hold now: ``{(key_id, day, kind): (counter name, count)}``, zeros left out.

    ``kind`` is ``"requests"`` or ``"refused"`` (the fields of ``ApiKeyUsage``).
    """
    today = today or datetime.now(UTC).date()
    days = [today - timedelta(days=n) for n in range(DAYS_FOLDED)]
    key_ids = list(ApiKey.objects.values_list("pk", flat=True))
    kinds = (("requests", ""), ("refused", ":refused"))
    names = {
        (key_id, day, kind): _day_key(key_id, day) + suffix
        for key_id in key_ids
        for day in days
        for kind, suffix in kinds
    }
    found = cache.get_many(list(names.values())) if names else {}
    return {where: (name, count) for where, name in names.items() if (count := int(found.get(name) or 0)) > 0}


def fold_counted(counts):
    """Take ``counts`` (from :func:`counted`) off the counters and add them to the ``ApiKeyUsage`` rows.

    The counts were read earlier, and another fold may have taken some of
    them since: each fold adds what it took off (:func:`_take`), so none is
    counted twice. Returns the number of requests folded in.
    """
    folded = 0
    for (key_id, day, kind), (name, count) in counts.items():
        taken = _take(name, count)
        if not taken:
            continue
        with transaction.atomic():
            usage, _ = ApiKeyUsage.objects.get_or_create(key_id=key_id, day=day)
            ApiKeyUsage.objects.filter(pk=usage.pk).update(**{kind: F(kind) + taken})
        folded += taken if kind == "requests" else 0
    return folded


def _take(name, count):
    """Take up to ``count`` off the counter ``name``; the number taken.

    The decrement is atomic and says what was left. Below zero, another fold
    took part of ``count`` since it was read: this one gives that back and
    takes only the rest (requests counted meanwhile stay for the next fold).
    """
    try:
        left = cache.decr(name, count)
    except ValueError:  # expired since it was read: nothing left to take
        return 0
    if left >= 0:
        return count
    given_back = min(count, -left)
    cache.incr(name, given_back)
    return count - given_back


def _forget_key(sender, instance, **kwargs):
    """A key saved (perhaps revoked) or deleted: requests look it up afresh, now and once committed."""

    def forget():
        try:
            cache.delete(_cache_key(instance.key_hash))
        except Exception:  # kept at most KEY_SECONDS then
            pass

    forget()
    transaction.on_commit(forget)


def connect():
    """Connect the receivers (from ``ApiConfig.ready()``)."""
    post_save.connect(_forget_key, sender=ApiKey, dispatch_uid="caspian-api-key-saved")
    post_delete.connect(_forget_key, sender=ApiKey, dispatch_uid="caspian-api-key-deleted")
