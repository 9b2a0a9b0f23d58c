"""The embedded default's file cache: it lists its folder now and then, not on every write; ``add`` is atomic."""

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor

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


def _claim_all(folder, keys, start):
    """In a process of its own: ``add`` every key, once ``start`` is set; the keys this process won."""
    cache = filecache.FileCache(folder, {})
    start.wait()
    return [key for key in keys if cache.add(key, os.getpid(), 60)]


def test_add_is_atomic_across_processes(tmp_path):
    """Each key goes to exactly one of the processes racing for it (Django's own let several win)."""
    keys = [f"lock-{n}" for n in range(200)]
    with (
        multiprocessing.Manager() as manager,
        ProcessPoolExecutor(4, mp_context=multiprocessing.get_context("fork")) as pool,
    ):
        start = manager.Event()
        racing = [pool.submit(_claim_all, str(tmp_path), keys, start) for _ in range(4)]
        start.set()
        won = [key for future in racing for key in future.result(timeout=60)]
    assert sorted(won) == sorted(keys)


def test_add_replaces_an_expired_entry_only(tmp_path):
    cache = filecache.FileCache(str(tmp_path), {})
    assert cache.add("lock", 1, timeout=60)
    assert not cache.add("lock", 2, timeout=60)
    cache.set("lock", 1, timeout=-1)  # expired
    assert cache.add("lock", 3, timeout=60)
    assert cache.get("lock") == 3
    assert list(tmp_path.glob("tmp*")) == []  # no temporary file left behind
