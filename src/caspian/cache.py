"""The file cache of the embedded default: Django's, culled now and then instead of on every write.

Django's ``FileBasedCache`` lists every file in the cache folder before
each ``set`` to decide whether to cull. With the thousands of entries a
page cache holds, that listing costs more than the write itself, and an
invalidation writing a few dozen tag versions lists the folder as many
times. Here a process lists it at most once every :data:`CULL_SECONDS`;
between two checks the cache can run over ``MAX_ENTRIES`` by what was
written meanwhile, which the next check takes back.
"""

import time

from django.core.cache.backends.filebased import FileBasedCache

CULL_SECONDS = 30.0


class FileCache(FileBasedCache):
    _last_cull = float("-inf")

    def _cull(self):
        now = time.monotonic()
        if now - self._last_cull < CULL_SECONDS:
            return
        self._last_cull = now
        super()._cull()
