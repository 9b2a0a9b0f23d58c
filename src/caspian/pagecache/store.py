"""Cache keys, stored pages and invalidation: the one place that knows how pages are kept.

Every stored page (an :class:`Entry`) lists the tags it depends on (see
:mod:`.dependencies`) and the versions (:mod:`caspian.versions`) each tag
had when the page was rendered. Each tag has two: its *hard* version and
its *soft* one.

- :func:`invalidate` with ``hard=True`` (an article withdrawn, deleted,
  restricted) gives tags new hard versions: every page that showed any of
  them is never served again.
- A soft invalidation (a list on the page changed: Latest, Must read, More
  articles, a comment count) gives tags new soft versions. A page stored
  under an old one is **stale**: readers keep getting it while exactly one
  request, holding a render lock in the shared cache (:func:`claim_render`),
  renders the new copy. A page's own tag (``Entry.own_tag``, the page
  itself changed) counts as hard, soft or not: its old copy is never served.

Checking a page's twenty-odd tags on every hit would cost a round trip to
the shared cache for each request, so a process also keeps recent fresh
entries in memory, with the **generation**: one shared token that changes
on every invalidation. While the generation is unchanged nothing can have
been invalidated, and a hit costs one small read; when it changes, entries
are checked against their tags again. Hits read the generation at most
every ``GENERATION_RECHECK_SECONDS``, so another process's invalidation
shows within that time; this process's own shows at once.

Ordering makes this safe across processes without locks:
:func:`invalidate` changes the generation, then the tags, then the
generation again; a page is stored only if the generation did not change
while it was rendered and its tags read (:func:`versions_if_unchanged`).
A tag missing from the cache (evicted) counts as changed, hard.
"""

import hashlib
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from django.core.cache import cache

from .. import versions as stamps

# Part of every key: change it when Entry changes, so a new release never
# reads entries an older one stored.
FORMAT = 3
GENERATION_KEY = f"pagecache:{FORMAT}:generation"
GENERATION_RECHECK_SECONDS = 0.1
LOCAL_ENTRIES = 256  # per process; a rendered article is ~80 KB
# Query parameters that never change a page: campaign and click trackers.
IGNORED_PARAMETERS = ("utm_", "fbclid", "gclid", "mc_cid", "mc_eid")
# How long one request may hold a page's render lock: a render takes well
# under a second; a request that dies holding it delays the refresh by this.
RENDER_LOCK_SECONDS = 10


@dataclass(frozen=True)
class Entry:
    """A stored page: the final response headers (without Set-Cookie) and the body."""

    headers: tuple  # (name, value) pairs
    body: bytes
    tags: tuple
    versions: tuple  # the hard versions of ``tags``, then their soft versions
    own_tag: str | None  # the tag of the page this is (None for feeds, search…)
    etag: str
    last_modified: float
    expires: float


@dataclass(frozen=True)
class Found:
    """What :func:`lookup` found: an entry, and whether it is stale (soft-invalidated since stored)."""

    entry: Entry
    stale: bool = False


def key_for(host, path, query):
    """The cache key of a page: host (and so the publication's language), path and query.

    Tracking parameters are left out, and the rest sorted, so
    ``?utm_source=x`` shares the entry of the bare address.
    """
    parameters = sorted(p for p in query.split("&") if p and not p.startswith(IGNORED_PARAMETERS))
    digest = hashlib.sha256("\n".join([host.lower(), path, "&".join(parameters)]).encode()).hexdigest()[:32]
    return f"pagecache:{FORMAT}:page:{digest}"


def _names(tags):
    """The version names of ``tags``: all hard ones, then all soft ones."""
    return [f"pagecache:{FORMAT}:{kind}:{tag}" for kind in ("hard", "soft") for tag in tags]


def generation(max_age=0.0):
    """The shared generation token (created if missing, so an evicted one reads as a change).

    With ``max_age``, a token this process read less than that many seconds ago will do.
    """
    token, read_at = _last_generation
    if max_age and token is not None and time.monotonic() - read_at < max_age:
        return token
    token = cache.get(GENERATION_KEY)
    if token is None:
        cache.add(GENERATION_KEY, stamps.new_stamp(), timeout=None)
        token = cache.get(GENERATION_KEY)
    _last_generation[:] = [token, time.monotonic()]
    return token


_last_generation = [None, 0.0]


def versions_if_unchanged(tags, generation_before):
    """Versions of ``tags`` for a page rendered since ``generation_before``, or ``None``.

    ``None`` means something was invalidated meanwhile, so the page may be
    stale already and must not be stored. Tags without a version get one.
    """
    versions = stamps.stamps_or_new(_names(tags))
    if None in versions or generation() != generation_before:
        return None
    return versions


def invalidate(tags, hard=False):
    """Make every stored page that depends on any of ``tags`` stale (``hard``: gone), in every process."""
    tags = sorted(set(tags))
    if not tags:
        return
    names = _names(tags)
    cache.set(GENERATION_KEY, stamps.new_stamp(), timeout=None)
    stamps.bump(names if hard else names[len(tags) :])
    cache.set(GENERATION_KEY, stamps.new_stamp(), timeout=None)
    _local.clear()
    _last_generation[:] = [None, 0.0]


def save(key, entry):
    cache.set(key, entry, timeout=max(1, int(entry.expires - time.time())))


def lookup(key, shared=False):
    """The stored page for ``key`` as a :class:`Found`, or ``None``. Reads only the cache, never the database.

    A stale page is remembered in this process too (checking its tags means
    reading dozens of keys), until the generation changes or ``shared=True``
    asks the shared cache again: the request that may render it anew does
    so first, since another process may have stored the new copy already.
    """
    current = generation(max_age=GENERATION_RECHECK_SECONDS)
    known = None if shared else _local.get(key)
    if known is not None:
        entry, checked_at, stale = known
        if entry.expires > time.time() and checked_at == current:
            return Found(entry, stale)
        _local.discard(key)
    entry = cache.get(key)
    if entry is None or entry.expires <= time.time():
        return None
    state = _state(entry)
    if state == "gone":
        _local.discard(key)
        return None
    _local.put(key, (entry, current, state == "stale"))
    return Found(entry, stale=state == "stale")


def _state(entry):
    """``fresh``, ``stale`` (soft-invalidated: served while one request renders anew) or ``gone``."""
    current = stamps.stamps(_names(entry.tags))
    if current == entry.versions:
        return "fresh"
    count = len(entry.tags)
    if current[:count] != entry.versions[:count]:
        return "gone"
    changed = {
        tag for tag, now, then in zip(entry.tags, current[count:], entry.versions[count:], strict=True) if now != then
    }
    return "gone" if None in current or entry.own_tag in changed else "stale"


def claim_render(key):
    """Whether this request may render the page at ``key`` anew (then it must call :func:`release_render`).

    One request at a time, across processes and machines: the lock is in the shared cache.
    """
    return cache.add(f"{key}:rendering", True, timeout=RENDER_LOCK_SECONDS)


def release_render(key):
    cache.delete(f"{key}:rendering")


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
