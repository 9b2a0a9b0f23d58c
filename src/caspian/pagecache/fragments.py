"""The page cache keeps the parts of pages (see :mod:`caspian.fragments`) under the tags they showed.

A part is stored with the tags it depends on (those declared, and the
pages and tags loaded while it rendered, collected as for a whole page)
and their soft versions (:func:`.store.soft_names`), which every
invalidation changes, soft or hard: a part is used only while none of
them changed, so it is never stale. The page around it depends on the same
tags (:func:`.dependencies.note`), whether the part was rendered or kept.
A part is stored only if nothing was invalidated while it rendered (the
generation, as for pages); it lives at most ``PAGE_CACHE_SECONDS``.

Checking a part's tags means reading a version per tag, a dozen or more:
each process also keeps the parts it used, with the generation
(:func:`.store.generation`) they were checked at, and uses them unchecked
while it is unchanged, as the page cache does with whole pages.
"""

import time

from django.conf import settings
from django.core.cache import cache

from .. import versions as stamps
from . import dependencies, store

# Part of every name: change it when what is stored changes, so a new release never reads an older one's.
FORMAT = 2
# Parts kept in each process: most are a few KB (a page of comments can be far more).
LOCAL_PARTS = 512

_local = store.LocalEntries(LOCAL_PARTS)  # name -> (value, tags, versions, expires, generation checked at)


def keep(key, render, tags):
    """The kept value of the part ``key``, or ``render()``'s, stored for the next page (see the module)."""
    name = f"pagecache:fragment:{FORMAT}:{key}"
    current = store.generation(max_age=store.GENERATION_RECHECK_SECONDS)
    known = _local.get(name)
    if known is not None and current is not None and known[4] == current and known[3] > time.time():
        dependencies.note(known[1])
        return known[0]
    kept = cache.get(name)
    if kept is not None:
        value, shown, versions, expires = kept
        if expires > time.time() and stamps.stamps(store.soft_names(shown)) == versions:
            _local.put(name, (*kept, current))
            dependencies.note(shown)
            return value
    return _render(name, render, tags, current)


def _render(name, render, tags, before):
    with dependencies.collecting() as collected:
        value = render()
    shown = tuple(sorted(collected | tags))  # sorted: the same names in the same order in every process
    dependencies.note(shown)
    versions = stamps.stamps_or_new(store.soft_names(shown))
    if None not in versions and before is not None and store.generation() == before:
        kept = (value, shown, versions, time.time() + settings.PAGE_CACHE_SECONDS)
        cache.set(name, kept, timeout=settings.PAGE_CACHE_SECONDS)
        _local.put(name, (*kept, before))
    return value


def clear_local():
    """Forget the parts this process keeps (tests; the shared cache is untouched)."""
    _local.clear()
