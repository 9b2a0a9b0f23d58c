"""Version stamps: the one way Caspian keeps cached data in step with what it was made from.

Cached data (a page, a site with its settings and menu) records the stamp
of each *name* it depends on when it is made. :func:`bump` gives names new
stamps, in every process at once, since the stamps live in the shared
cache; anything recorded under an old stamp no longer matches and is
made again. No list of entries per name is kept, so nothing must be found
and deleted, and a stamp the cache evicted is simply made anew (which no
entry can match).

Used by the page cache (a stamp per cache tag) and by ``newsroom.sites``
(one stamp for sites, settings and menus).
"""

import uuid

from django.core.cache import cache

# A stamp must outlive everything recorded under it; entries live far less.
STAMP_SECONDS = 7 * 24 * 3600


def key(name):
    """The cache key of ``name``'s stamp, for callers reading it in one round trip with their own keys."""
    return f"caspian:version:{name}"


def new_stamp():
    return uuid.uuid4().hex[:12]


def stamps(names):
    """The current stamp of each name, in order; ``None`` for a name without one."""
    found = cache.get_many([key(name) for name in names])
    return tuple(found.get(key(name)) for name in names)


def stamps_or_new(names):
    """The current stamp of each name, giving names without one a stamp first (``None`` only if the cache fails).

    ``cache.add`` never replaces a stamp another process made meanwhile.
    """
    current = stamps(names)
    if None not in current:
        return current
    for name, stamp in zip(names, current, strict=True):
        if stamp is None:
            cache.add(key(name), new_stamp(), timeout=STAMP_SECONDS)
    return stamps(names)


def bump(names):
    """Give every name in ``names`` a new stamp: whatever was recorded under the old one is out of date."""
    cache.set_many({key(name): new_stamp() for name in names}, timeout=STAMP_SECONDS)
