"""Caspian's cache backends: Redis that cannot hang a page, and the embedded default's file cache.

:class:`RedisCache` is django-redis with short socket timeouts (settings)
and a circuit breaker (:data:`caspian.outages.CACHE`): a frozen or dead
Redis costs one request its timeout, then the cache is skipped for a few
seconds at a time, every operation answering as a miss, until it answers
again. One line is logged when it stops answering and one when it is back.

:class:`FileCache`: Django's ``FileBasedCache`` lists every file in the cache folder before
each ``set`` to decide whether to cull. With the thousands of entries a
page cache holds, that listing costs more than the write itself, and an
invalidation writing a few dozen tag versions lists the folder as many
times. Here a process lists it at most once every :data:`CULL_SECONDS`;
between two checks the cache can run over ``MAX_ENTRIES`` by what was
written meanwhile, which the next check takes back.
"""

import functools
import os
import tempfile
import time

import django_redis.cache
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.filebased import FileBasedCache
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import RedisError

from . import outages

CULL_SECONDS = 30.0
# What a Redis that is dead, frozen or out of reach raises (socket errors are OSError).
CACHE_ERRORS = (RedisError, ConnectionInterrupted, OSError)


def _guarded(name, fallback):
    """django-redis's ``name``, answering ``fallback(args, kwargs)`` (a miss) while the cache is out."""
    method = getattr(django_redis.cache.RedisCache, name)

    @functools.wraps(method)
    def guarded(self, *args, **kwargs):
        if not outages.CACHE.available():
            return fallback(args, kwargs)
        try:
            result = method(self, *args, **kwargs)
        except CACHE_ERRORS as error:
            outages.CACHE.failed(error)
            if self.raise_errors:
                raise
            return fallback(args, kwargs)
        outages.CACHE.succeeded()
        return result

    return guarded


def _nothing(args, kwargs):
    return None


def _false(args, kwargs):
    return False


def _empty(args, kwargs):
    return {}


def _default(args, kwargs):
    """``get(key, default=None, ...)``'s default."""
    return kwargs.get("default", args[1] if len(args) > 1 else None)


class RedisCache(django_redis.cache.RedisCache):
    """django-redis behind the cache's circuit breaker (see the module's docstring).

    ``IGNORE_EXCEPTIONS: False`` (the tests) still raises errors, after
    counting them; by default they answer as misses.
    """

    def __init__(self, server, params):
        super().__init__(server, params)
        self.raise_errors = not self._ignore_exceptions
        self._ignore_exceptions = False  # django-redis raises; the guard counts, then answers a miss

    get = _guarded("get", _default)
    get_many = _guarded("get_many", _empty)
    has_key = _guarded("has_key", _false)
    add = _guarded("add", _false)
    set = _guarded("set", _false)
    touch = _guarded("touch", _false)
    incr = _guarded("incr", _nothing)  # callers read None as "not counted"
    decr = _guarded("decr", _nothing)
    set_many = _guarded("set_many", _nothing)
    delete = _guarded("delete", _false)
    delete_many = _guarded("delete_many", _nothing)
    delete_pattern = _guarded("delete_pattern", _nothing)
    clear = _guarded("clear", _nothing)


class FileCache(FileBasedCache):
    _last_cull = float("-inf")

    def _cull(self):
        now = time.monotonic()
        if now - self._last_cull < CULL_SECONDS:
            return
        self._last_cull = now
        super()._cull()

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        """Store ``value`` unless ``key`` holds one: atomic, across processes.

        Django's checks, then writes, so two processes can both "add": the
        page cache's render lock (one render per page, however many workers)
        is an ``add``. Here the entry is written to a temporary file and
        hard-linked into place, which fails if a file is there already; an
        expired one is removed (by ``has_key``) and the link tried again.
        """
        self._createdir()
        path = self._key_to_file(key, version)
        descriptor, temporary = tempfile.mkstemp(dir=self._dir)
        try:
            with open(descriptor, "wb") as file:
                self._write_content(file, timeout, value)
            for _attempt in range(2):
                try:
                    os.link(temporary, path)
                    return True
                except FileExistsError:
                    if self.has_key(key, version):
                        return False
            return False
        finally:
            os.remove(temporary)
