"""Cache keys, stored pages and invalidation: the one place that knows how pages are kept.

Every stored page (an :class:`Entry`) lists the tags it depends on (see
:mod:`.dependencies`) and the version each tag had when the page was
rendered. :func:`invalidate` gives tags new versions, so every entry
stored under an old one stops matching: exact invalidation, with no list
of pages per tag to keep in step across processes.

Checking a page's twenty-odd tags on every hit would cost a round trip to
the shared cache for each request, so a process also keeps recent entries
in memory, with the **generation**: one shared token that changes on every
invalidation. While the generation is unchanged nothing can have been
invalidated, and a hit costs one small read; when it changes, entries are
checked against their tags again. Hits read the generation at most every
``GENERATION_RECHECK_SECONDS``, so another process's invalidation shows
within that time; this process's own shows at once.

Ordering makes this safe across processes without locks:
:func:`invalidate` changes the generation, then the tags, then the
generation again; a page is stored only if the generation did not change
while it was rendered and its tags read (:func:`versions_if_unchanged`).
A tag missing from the cache (evicted) counts as changed.
"""

import hashlib
import threading
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass

from django.core.cache import cache

# Part of every key: change it when Entry changes, so a new release never
# reads entries an older one stored.
FORMAT = 2
GENERATION_KEY = f"pagecache:{FORMAT}:generation"
GENERATION_RECHECK_SECONDS = 0.1
LOCAL_ENTRIES = 256  # per process; a rendered article is ~80 KB
# Query parameters that never change a page: campaign and click trackers.
IGNORED_PARAMETERS = ("utm_", "fbclid", "gclid", "mc_cid", "mc_eid")
# A tag's version must outlive every entry that depends on it.
TAG_SECONDS = 7 * 24 * 3600


@dataclass(frozen=True)
class Entry:
    """A stored page: the final response headers and the body without any reader's secrets."""

    headers: tuple  # (name, value) pairs, without Set-Cookie
    parts: tuple  # the body, split where each reader's form secrets go
    tags: tuple
    versions: tuple
    etag: str
    last_modified: float
    expires: float

    @property
    def personalised(self):
        return len(self.parts) > 1


def key_for(host, path, query):
    """The cache key of a page: host (and so the publication's language), path and query.

    Tracking parameters are left out, and the rest sorted, so
    ``?utm_source=x`` shares the entry of the bare address.
    """
    parameters = sorted(p for p in query.split("&") if p and not p.startswith(IGNORED_PARAMETERS))
    digest = hashlib.sha256("\n".join([host.lower(), path, "&".join(parameters)]).encode()).hexdigest()[:32]
    return f"pagecache:{FORMAT}:page:{digest}"


def _tag_key(tag):
    return f"pagecache:{FORMAT}:tag:{tag}"


def _new_token():
    return uuid.uuid4().hex[:12]


def generation(max_age=0.0):
    """The shared generation token (created if missing, so an evicted one reads as a change).

    With ``max_age``, a token this process read less than that many seconds ago will do.
    """
    token, read_at = _last_generation
    if max_age and token is not None and time.monotonic() - read_at < max_age:
        return token
    token = cache.get(GENERATION_KEY)
    if token is None:
        cache.add(GENERATION_KEY, _new_token(), timeout=None)
        token = cache.get(GENERATION_KEY)
    _last_generation[:] = [token, time.monotonic()]
    return token


_last_generation = [None, 0.0]


def _versions(tags):
    """Current version of each tag, in order; ``None`` for a tag missing from the cache."""
    found = cache.get_many([_tag_key(tag) for tag in tags])
    return tuple(found.get(_tag_key(tag)) for tag in tags)


def versions_if_unchanged(tags, generation_before):
    """Versions of ``tags`` for a page rendered since ``generation_before``, or ``None``.

    ``None`` means something was invalidated meanwhile, so the page may be
    stale already and must not be stored. Tags without a version get one.
    """
    versions = _versions(tags)
    missing = {_tag_key(tag): _new_token() for tag, version in zip(tags, versions, strict=True) if version is None}
    if missing:
        for key, token in missing.items():
            cache.add(key, token, timeout=TAG_SECONDS)
        versions = _versions(tags)
    if None in versions or generation() != generation_before:
        return None
    return versions


def invalidate(tags):
    """Forget every stored page that depends on any of ``tags``, in every process."""
    tags = sorted(set(tags))
    if not tags:
        return
    cache.set(GENERATION_KEY, _new_token(), timeout=None)
    cache.set_many({_tag_key(tag): _new_token() for tag in tags}, timeout=TAG_SECONDS)
    cache.set(GENERATION_KEY, _new_token(), timeout=None)
    _local.clear()
    _last_generation[:] = [None, 0.0]


def save(key, entry):
    cache.set(key, entry, timeout=max(1, int(entry.expires - time.time())))


def lookup(key):
    """The valid stored page for ``key``, or ``None``. Reads only the cache, never the database."""
    current = generation(max_age=GENERATION_RECHECK_SECONDS)
    known = _local.get(key)
    if known is not None:
        entry, checked_at = known
        if entry.expires > time.time() and checked_at == current:
            return entry
    else:
        entry = cache.get(key)
        if entry is None:
            return None
    if entry.expires <= time.time() or _versions(entry.tags) != entry.versions:
        _local.discard(key)
        return None
    _local.put(key, (entry, current))
    return entry


def clear_local():
    """Forget this process's copies (tests; the shared cache is untouched)."""
    _local.clear()
    _last_generation[:] = [None, 0.0]


class _LocalEntries:
    """A small thread-safe LRU of entries this process has served."""

    def __init__(self, size):
        self.size = size
        self.items = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            value = self.items.get(key)
            if value is not None:
                self.items.move_to_end(key)
            return value

    def put(self, key, value):
        with self.lock:
            self.items[key] = value
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)

    def discard(self, key):
        with self.lock:
            self.items.pop(key, None)

    def clear(self):
        with self.lock:
            self.items.clear()


_local = _LocalEntries(LOCAL_ENTRIES)
