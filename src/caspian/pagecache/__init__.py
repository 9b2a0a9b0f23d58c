"""The page cache: published pages served at close to static-file speed, invalidated exactly.

How it fits together:

- :mod:`.wsgi` wraps the WSGI application. A cache hit is answered there,
  before Django's request handling, with no SQL query; a miss goes to Django.
- :mod:`.middleware` runs inside Django on a miss: it records which cache
  tags the page depends on (:mod:`.dependencies`), adds the HTTP caching
  headers, and hands the page, without any reader's secrets, back to the
  wrapper to store.
- :mod:`.store` owns the cache keys, the entries and invalidation: a tag's
  version changes and every entry stored under the old version is gone.
- :mod:`.invalidation` says which tags each editorial event changes, and
  purges the CDN; :mod:`.signals` connects it to Wagtail's and our signals.
"""
