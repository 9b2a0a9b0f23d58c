"""The page cache: published pages served at close to static-file speed, invalidated exactly.

How it fits together:

- :mod:`.wsgi` wraps the WSGI application. A cache hit is answered there,
  before Django's request handling, with no SQL query; a miss goes to Django.
- :mod:`.middleware` runs inside Django on a miss: it records which cache
  tags the page depends on (:mod:`.dependencies`; pages declare theirs, see
  ``caspian.newsroom.cache_tags``), adds the HTTP caching headers, and
  hands the page (the same bytes for every reader) back to the wrapper to
  store.
- :mod:`.store` owns the cache keys, the entries and invalidation, soft
  (stale copies served while one request renders) or hard (gone).
- :mod:`.invalidation` says which tags each editorial event changes (as
  the changed page declares), and purges the proxy in front by tag
  (:mod:`.proxy`) and CDNs by address; :mod:`.signals` connects it to
  Wagtail's and our signals.
"""
