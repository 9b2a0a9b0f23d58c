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

Outages (:mod:`caspian.outages`): an entry stays in the cache past its
expiry for ``CDN_STALE_IF_ERROR`` seconds, so that while the database is
down readers get the last good copy of a page (:func:`last_good`) rather
than an error; never one that was withdrawn (hard-invalidated). While the
shared cache does not answer, a process serves the copies it kept
(:func:`lookup`) for ``KEPT_DURING_OUTAGE_SECONDS``, and invalidations it
could not write are written when the cache is back.
"""

import hashlib
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from .. import outages
from .. import versions as stamps
from . import parameters

# Part of every key: change it when Entry changes, so a new release never
# reads entries an older one stored.
FORMAT = 3
GENERATION_KEY = f"pagecache:{FORMAT}:generation"
GENERATION_RECHECK_SECONDS = 0.1
LOCAL_ENTRIES = 256  # per process; a rendered article is ~80 KB
# Entries with a query (?page=, ?q=…) stored per address in PAGE_CACHE_SECONDS:
# beyond it such pages are rendered but not kept, so no address can crowd out the rest.
VARIANTS_PER_ADDRESS = 100
# How long an address's declared query parameters are remembered in the shared cache.
PARAMETERS_SECONDS = 24 * 3600
# How long one request may hold a page's render lock: a render takes well
# under a second; a request that dies holding it delays the refresh by this.
RENDER_LOCK_SECONDS = 10
# How long into a cache outage a process serves the copies it kept: their
# tags cannot be checked meanwhile, so an invalidation made elsewhere would
# not reach them; after this, pages are rendered from the database.
KEPT_DURING_OUTAGE_SECONDS = 60


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


def key_for(host, path, query, names=None):
    """The cache key of a page: host (and so the publication's language), path and the query that matters.

    Only the query parameters declared for the address count (``names``, or
    those learned by :func:`remember_parameters`; see :mod:`.parameters`),
    so ``?utm_source=x`` or ``?junk=1`` shares the entry of the bare address.
    """
    if query:
        query = parameters.canonical(query, names if names is not None else known_parameters(host, path))
    digest = hashlib.sha256("\n".join([host.lower(), path, query]).encode()).hexdigest()[:32]
    return f"pagecache:{FORMAT}:page:{digest}"


def _parameters_key(host, path):
    digest = hashlib.sha256("\n".join([host.lower(), path]).encode()).hexdigest()[:32]
    return f"pagecache:{FORMAT}:parameters:{digest}"


def known_parameters(host, path):
    """The query parameters declared for the page at this address, when one has been stored; else ``None``."""
    names = _declared.get((host.lower(), path))
    if names is None:
        names = cache.get(_parameters_key(host, path))
        if names is not None:
            _declared.put((host.lower(), path), names)
    return names


def remember_parameters(host, path, names):
    """Note the query parameters the page at this address reads, for :func:`key_for` in every process."""
    if _declared.get((host.lower(), path)) != names:
        _declared.put((host.lower(), path), names)
        cache.set(_parameters_key(host, path), names, timeout=PARAMETERS_SECONDS)


def variant_allowed(host, path):
    """Whether one more entry with a query may be stored for this address (see :data:`VARIANTS_PER_ADDRESS`)."""
    key = f"{_parameters_key(host, path)}:variants"
    cache.add(key, 0, timeout=settings.PAGE_CACHE_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired just now
        return False
    return count is not None and count <= VARIANTS_PER_ADDRESS


def _names(tags):
    """The version names of ``tags``: all hard ones, then all soft ones."""
    return [f"pagecache:{FORMAT}:hard:{tag}" for tag in tags] + soft_names(tags)


def soft_names(tags):
    """The names of the versions that change whenever one of ``tags`` is invalidated, softly or hard."""
    return [f"pagecache:{FORMAT}:soft:{tag}" for tag in tags]


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
    _last_generation[:] = [None, 0.0]
    if not outages.CACHE.down:
        _local.clear()
        return
    # Not written: written once the cache is back. Meanwhile this process
    # keeps its other copies (a list on them may be out of date, as with a
    # stale page), and drops those that are gone.
    changed = set(tags)
    _local.discard_where(lambda entry: entry.own_tag in changed or (hard and not changed.isdisjoint(entry.tags)))
    outages.CACHE.when_back(lambda: invalidate(tags, hard))


def save(key, entry):
    """Store ``entry``; the cache keeps it past its expiry for :func:`last_good`.

    While the shared cache is out, this process keeps it (see :func:`_kept`).
    """
    cache.set(key, entry, timeout=max(1, int(entry.expires - time.time())) + settings.CDN_STALE_IF_ERROR)
    if outages.CACHE.down:
        _local.put(key, (entry, None, False))


def lookup(key, shared=False):
    """The stored page for ``key`` as a :class:`Found`, or ``None``. Reads only the cache, never the database.

    A stale page is remembered in this process too (checking its tags means
    reading dozens of keys), until the generation changes or ``shared=True``
    asks the shared cache again: the request that may render it anew does
    so first, since another process may have stored the new copy already.
    """
    current = generation(max_age=GENERATION_RECHECK_SECONDS)
    if current is None:  # the shared cache does not answer
        return _kept(key)
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


def _kept(key):
    """What this process kept of ``key`` (see :data:`KEPT_DURING_OUTAGE_SECONDS`), as a :class:`Found`."""
    known = _local.get(key)
    if known is None or known[0].expires <= time.time() or outages.CACHE.down_for() > KEPT_DURING_OUTAGE_SECONDS:
        return None
    return Found(known[0])


def last_good(key):
    """The last copy stored for ``key``, expired or stale, unless it was withdrawn; ``None`` if there is none.

    For readers while the database is down: better an older copy than an error.
    """
    known = _local.get(key)
    entry = known[0] if known is not None else cache.get(key)
    if entry is None or (generation() is not None and _state(entry) == "gone"):
        return None
    return entry


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
    _declared.clear()
    _last_generation[:] = [None, 0.0]


class LocalEntries:
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

    def discard_where(self, gone):
        """Drop the entries for which ``gone(entry)`` is true."""
        with self.lock:
            for key in [key for key, (entry, *_rest) in self.items.items() if gone(entry)]:
                del self.items[key]

    def clear(self):
        with self.lock:
            self.items.clear()


_local = LocalEntries(LOCAL_ENTRIES)
_declared = LocalEntries(4096)  # (host, path): the query parameters its page declared
