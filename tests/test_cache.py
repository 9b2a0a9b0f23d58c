"""The embedded default's file cache lists its folder now and then, not on every write."""

import pytest

from caspian import cache as filecache

pytestmark = pytest.mark.pure


def test_culls_at_most_once_per_interval(tmp_path, monkeypatch):
    listings = []
    cache = filecache.FileCache(str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": 5, "CULL_FREQUENCY": 2}})
    real_list = cache._list_cache_files
    monkeypatch.setattr(cache, "_list_cache_files", lambda: listings.append(1) or real_list())
    for n in range(20):
        cache.set(f"key-{n}", n)
    assert len(listings) == 1  # Django's own lists the folder on every set
    assert len(list(tmp_path.glob("*.djcache"))) == 20  # over MAX_ENTRIES until the next check

    cache._last_cull = float("-inf")  # the interval has passed
    cache.set("one-more", 1)
    assert len(listings) == 2
    assert len(list(tmp_path.glob("*.djcache"))) <= 11  # half culled, then the new entry
    assert cache.get("one-more") == 1
