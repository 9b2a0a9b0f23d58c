"""What every API answer gets on its way out: an ``ETag`` (and ``304``), cache headers and the page cache's tags.

Wrapped around each of django-ninja's views in :mod:`.urls`:

- ``ETag`` is a hash of the body (Django's, as its conditional GET
  gives), kept by the page cache as the page's own: a client's
  ``If-None-Match`` gets ``304 Not Modified`` here on a miss (Django's
  conditional response) and from the page cache on a hit.
- An anonymous answer is public: the page cache stores it under the tags
  of what it showed (``response.cache_tags``, ``response.cache_own_tag``:
  see :mod:`caspian.pagecache.dependencies`) and a publication, withdrawal
  or correction purges it with the pages. An answer to a request with a
  key is ``private``: keyed requests never come from a shared cache
  (:func:`caspian.pagecache.middleware.cacheable_request`), so each one
  is counted and rate limited.
"""

import functools

from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers, set_response_etag


def finished(view, query_parameters):
    """``view`` (one of django-ninja's) with the API's way out; ``query_parameters`` for the page cache's key."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        method = request.method
        if method == "HEAD":  # answered as GET; the server sends no body (as with Django's own views)
            request.method = "GET"
        try:
            response = view(request, *args, **kwargs)
        finally:
            request.method = method
        response.cache_tags = getattr(request, "api_cache_tags", set())
        response.cache_own_tag = getattr(request, "api_own_tag", None)
        # The same address answers with and without a key (counted apart).
        patch_vary_headers(response, ["Authorization", "X-API-Key"])
        if getattr(request, "api_key_used", False):
            patch_cache_control(response, private=True, max_age=0)
        if response.status_code != 200 or getattr(response, "streaming", False):
            return response
        set_response_etag(response)
        return get_conditional_response(request, etag=response.get("ETag"), response=response)

    wrapped.query_parameters = query_parameters
    wrapped.csrf_exempt = True  # read-only, and no cookies: nothing to forge
    return wrapped
