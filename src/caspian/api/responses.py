"""What every API answer gets on its way out: an ``ETag`` (and ``304``), cache headers and the page cache's tags.

Wrapped around each of django-ninja's views in :mod:`.urls`:

- ``ETag`` is a hash of the body, the same the page cache gives its
  pages, so a client's ``If-None-Match`` gets ``304 Not Modified`` here on
  a miss and from the page cache on a hit.
- An anonymous answer is public: the page cache stores it under the tags
  of what it showed (``response.cache_tags``, ``response.cache_own_tag``:
  see :mod:`caspian.pagecache.dependencies`) and a publication, withdrawal
  or correction purges it with the pages. An answer to a request with a
  key is ``private``: keyed requests never come from a shared cache
  (:func:`caspian.pagecache.middleware.cacheable_request`), so each one
  is counted and rate limited.
"""

import functools
import hashlib

from django.http import HttpResponseNotModified
from django.utils.cache import patch_cache_control, patch_vary_headers

# Headers a 304 repeats (RFC 9110, 15.4.5).
NOT_MODIFIED_HEADERS = ("Cache-Control", "ETag", "Vary", "Expires", "Content-Location")


def etag(body):
    return f'"{hashlib.blake2b(body, digest_size=16).hexdigest()}"'


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
        response["ETag"] = etag(response.content)
        if _matches(request.META.get("HTTP_IF_NONE_MATCH", ""), response["ETag"]):
            not_modified = HttpResponseNotModified()
            for name in NOT_MODIFIED_HEADERS:
                if name in response:
                    not_modified[name] = response[name]
            return not_modified
        return response

    wrapped.query_parameters = query_parameters
    wrapped.csrf_exempt = True  # read-only, and no cookies: nothing to forge
    return wrapped


def _matches(if_none_match, current):
    if not if_none_match:
        return False
    tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return "*" in tags or current in tags
