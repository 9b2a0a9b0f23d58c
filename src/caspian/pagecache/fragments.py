"""The page cache keeps the parts of pages (see :mod:`caspian.fragments`) under the tags they showed.

A part is stored with the tags it depends on (those declared, and the
pages and tags loaded while it rendered, collected as for a whole page)
and their soft versions (:func:`.store.soft_names`), which every
invalidation changes, soft or hard: a part is used only while none of
them changed, so it is never stale. The page around it depends on the same
tags (:func:`.dependencies.note`), whether the part was rendered or kept.
A part is stored only if nothing was invalidated while it rendered (the
generation, as for pages); it lives at most ``PAGE_CACHE_SECONDS``.
"""

from django.conf import settings
from django.core.cache import cache

from .. import versions as stamps
from . import dependencies, store


def keep(key, render, tags):
    """The kept value of the part ``key``, or ``render()``'s, stored for the next page (see the module)."""
    name = f"pagecache:{store.FORMAT}:fragment:{key}"
    kept = cache.get(name)
    if kept is not None:
        value, shown, versions = kept
        if stamps.stamps(store.soft_names(shown)) == versions:
            dependencies.note(shown)
            return value
    before = store.generation()
    with dependencies.collecting() as collected:
        value = render()
    shown = tuple(sorted(collected | tags))  # sorted: the same names in the same order in every process
    dependencies.note(shown)
    versions = stamps.stamps_or_new(store.soft_names(shown))
    if None not in versions and before is not None and store.generation() == before:
        cache.set(name, (value, shown, versions), timeout=settings.PAGE_CACHE_SECONDS)
    return value
