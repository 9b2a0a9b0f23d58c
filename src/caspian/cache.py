"""The file cache of the embedded default: Django's, culled now and then, with an atomic ``add``.

Django's ``FileBasedCache`` lists every file in the cache folder before
each ``set`` to decide whether to cull. With the thousands of entries a
page cache holds, that listing costs more than the write itself, and an
invalidation writing a few dozen tag versions lists the folder as many
times. Here a process lists it at most once every :data:`CULL_SECONDS`;
between two checks the cache can run over ``MAX_ENTRIES`` by what was
written meanwhile, which the next check takes back.
"""

import os
import tempfile
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
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

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        """Store ``value`` unless ``key`` holds one: atomic, across processes.

        Django's checks, then writes, so two processes can both "add": the
        page cache's render lock (one render per page, however many workers)
        is an ``add``. Here the entry is written to a temporary file and
        hard-linked into place, which fails if a file is there already; an
        expired one is removed (by ``has_key``) and the link tried again.
        """
        self._createdir()
        path = self._key_to_file(key, version)
        descriptor, temporary = tempfile.mkstemp(dir=self._dir)
        try:
            with open(descriptor, "wb") as file:
                self._write_content(file, timeout, value)
            for _attempt in range(2):
                try:
                    os.link(temporary, path)
                    return True
                except FileExistsError:
                    if self.has_key(key, version):
                        return False
            return False
        finally:
            os.remove(temporary)
