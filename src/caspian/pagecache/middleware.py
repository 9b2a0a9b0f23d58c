"""The miss path: render, note what the page depends on, add HTTP caching headers."""

import hashlib
import time
from datetime import datetime, timedelta
from datetime import time as clock

from django.conf import settings
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import http_date, parse_http_date_safe

from .. import outages
from . import dependencies, parameters, store
from .conf import hit_settings

# Where the page, once rendered, waits for the WSGI wrapper to store it
# with the final headers (WSGIRequest.META is the WSGI environ).
PENDING = "caspian.pagecache.pending"


def cacheable_request(meta):
    """Whether this request may be answered from, and stored in, the page cache.

    Anonymous GET and HEAD requests for reader pages only: a session
    cookie (an editor) bypasses the cache, as does everything under the
    admin, comment actions, uploaded files and the health check. So does a
    request with credentials (``Authorization``, ``X-API-Key``: an API
    partner's key), which must reach the view to be checked and counted.
    Even an empty header: the API refuses it (401) at once, before any
    render or query, so it costs little; served from here it would get a
    200 on a hit and that 401 on a miss.
    """
    config = hit_settings()
    if not config.enabled or meta.get("REQUEST_METHOD") not in ("GET", "HEAD"):
        return False
    if config.session_cookie in meta.get("HTTP_COOKIE", ""):
        return False
    if "HTTP_AUTHORIZATION" in meta or "HTTP_X_API_KEY" in meta:
        return False
    return not meta.get("PATH_INFO", "/").startswith(config.skipped_prefixes)


def _cacheable_response(request, response):
    if response.status_code != 200 or getattr(response, "streaming", False) or response.cookies:
        return False
    # A view that used the reader's CSRF token or said so itself made a page for one reader only.
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False
    cache_control = response.get("Cache-Control", "")
    return not any(word in cache_control for word in ("private", "no-store", "no-cache"))


def _seconds_to_midnight():
    """Seconds until midnight in the active (the publication's) time zone: the masthead shows the date."""
    now = timezone.localtime()
    midnight = datetime.combine(now.date() + timedelta(days=1), clock.min, tzinfo=now.tzinfo)
    return (midnight - now).total_seconds()


class PageCacheMiddleware:
    """On a page-cache miss, prepare the rendered page for the cache.

    Sits below the publication's locale. Adds ``ETag``, ``Last-Modified``, a ``Cache-Control`` a CDN can
    act on and ``Surrogate-Key``/``Cache-Tag``; leaves the page in the
    request for :class:`~caspian.pagecache.wsgi.CachedApplication` to store.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not cacheable_request(request.META):
            return self.get_response(request)
        generation = store.generation()
        with dependencies.collecting() as collected:
            response = self.get_response(request)
        if not _cacheable_response(request, response):
            return response
        tags = tuple(sorted(dependencies.for_response(request, response, collected)))
        now = time.time()
        # A view that sets its own validators (the feeds) knows better.
        response.headers.setdefault("ETag", _etag(response.content))
        response.headers.setdefault("Last-Modified", http_date(now))
        response["Surrogate-Key"] = response["Cache-Tag"] = " ".join(tags)
        patch_cache_control(
            response,
            public=True,
            max_age=0,
            s_maxage=settings.CDN_MAX_AGE,
            stale_while_revalidate=settings.CDN_STALE_WHILE_REVALIDATE,
            stale_if_error=settings.CDN_STALE_IF_ERROR,
        )
        versions = store.versions_if_unchanged(tags, generation)
        if versions is None and outages.CACHE.down:
            versions = ()  # the shared cache is out: kept by this process only, for the outage (store.save)
        response["X-Page-Cache"] = "miss"
        key = _key(request, response)
        if versions is not None and key is not None:
            request.META[PENDING] = {
                "key": key,
                "body": response.content,
                "tags": tags,
                "versions": versions,
                "own_tag": dependencies.own_tag(response),
                "etag": response["ETag"],
                "last_modified": parse_http_date_safe(response["Last-Modified"]) or now,
                "expires": now + min(settings.PAGE_CACHE_SECONDS, _seconds_to_midnight()),
            }
        return response


def _key(request, response):
    """The key to store the page under: its address with the query parameters its view reads (see :mod:`.parameters`).

    ``None`` when it must not be stored: the view declared none and was asked
    with a query, or this address has as many entries with a query as it may.
    """
    host, path = request.META.get("HTTP_HOST", ""), request.META.get("PATH_INFO", "/")  # as the WSGI wrapper reads them
    names = parameters.declared(request, response)
    query = parameters.canonical(request.META.get("QUERY_STRING", ""), names)
    if names is None:
        return None if query else store.key_for(host, path, "")
    store.remember_parameters(host, path, names)
    if query and not store.variant_allowed(host, path):
        return None
    return store.key_for(host, path, query, names)


def _etag(body):
    return f'"{hashlib.blake2b(body, digest_size=16).hexdigest()}"'
