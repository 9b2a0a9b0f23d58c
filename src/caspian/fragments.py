"""Parts of reader pages kept rendered, so a page the page cache misses renders only what changed.

Latest and Must read are the same on every article page; More articles,
the comments and an author's box change apart from the page around them.
Whoever renders such a part asks :func:`cached` for it under a key of its
own, with the cache tags it shows (``caspian.newsroom.cache_tags``: the
names the page cache invalidates by). The part is rendered once and kept
until any of those tags, or of the pages and tags loaded while rendering it,
is invalidated: a publication re-renders Latest once, not once per article.

This module sits below every app: the apps declare parts, and the page
cache, which owns tags and their invalidation, keeps them
(:func:`keep_with`, called at start-up). Without a keeper, or with
``CASPIAN_FRAGMENT_CACHE=0``, every part is rendered every time.
"""

from django.conf import settings

_keeper = None


def keep_with(keeper):
    """Let ``keeper(key, render, tags)`` keep the parts from now on (the page cache calls this when it starts)."""
    global _keeper
    _keeper = keeper


def cached(key, render, tags=()):
    """``render()``'s value (HTML or anything picklable), kept under ``key`` while ``tags`` are unchanged.

    ``key`` names the part and everything it varies by (site, article,
    page number); ``tags`` are the lists it shows that something new could
    join (``latest``, ``section-3-list``): what it loads is added by itself.
    """
    if _keeper is None or not settings.FRAGMENT_CACHE:
        return render()
    return _keeper(key, render, frozenset(tags))
