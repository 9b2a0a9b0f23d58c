"""The hit path: answer from the page cache before Django handles the request.

A hit never touches the database: it goes out as stored, or as ``304 Not
Modified`` when the reader's copy is current. A stale page (a list on it
changed) is served as it is, with its ``Age``, while one request (the first
to claim the render lock) renders the new copy; a page that is gone (it
changed itself) is rendered anew by the request that asks for it. When the
render meets a database outage (a 503 from :mod:`caspian.errors`), the
reader gets the last good copy of the page instead, if there is one.
"""

import re
import time

from django.utils.http import parse_http_date_safe

from .. import errors
from . import store
from .middleware import PENDING, cacheable_request

# Headers that belong to one response, not to the page.
UNSTORED_HEADERS = {"set-cookie", "content-length", "date", "server", "x-page-cache", "age"}
HIT = ("X-Page-Cache", "hit")
STALE = ("X-Page-Cache", "stale")
STALE_IF_ERROR = ("X-Page-Cache", "stale-if-error")
# Headers a 304 repeats (RFC 9110, 15.4.5).
NOT_MODIFIED_HEADERS = {"cache-control", "content-location", "etag", "expires", "vary", "last-modified"}
# How long a proxy or CDN may keep a stale copy it got from here: a second,
# so it asks again once the new copy is rendered (not after s-maxage).
STALE_SHARED_SECONDS = 1
_S_MAXAGE = re.compile(r"s-maxage=\d+")


class CachedApplication:
    """WSGI middleware around Django's application: serves hits, stores misses."""

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        if not cacheable_request(environ):
            return self.application(environ, start_response)
        key = store.key_for(
            environ.get("HTTP_HOST", ""), environ.get("PATH_INFO", "/"), environ.get("QUERY_STRING", "")
        )
        found = store.lookup(key)
        if found is None:
            return self.render(key, environ, start_response)
        if found.stale:
            if not store.claim_render(key):  # another request is rendering it: this reader needn't wait
                return self.serve(found.entry, environ, start_response, STALE)
            try:
                again = store.lookup(key, shared=True)  # rendered anew meanwhile, by another process?
                if again is None or again.stale:
                    return self.render(key, environ, start_response)
                found = again
            finally:
                store.release_render(key)
        return self.serve(found.entry, environ, start_response, HIT)

    def render(self, key, environ, start_response):
        sent = {}

        def remember(status, headers, exc_info=None):  # answered below, once it is known what to answer
            sent["status"], sent["headers"] = status, headers

        response = self.application(environ, remember)
        if environ.get(errors.OUTAGE):
            entry = store.last_good(key)
            if entry is not None:
                getattr(response, "close", lambda: None)()
                return self.serve(entry, environ, start_response, STALE_IF_ERROR)
        start_response(sent["status"], sent["headers"])
        pending = environ.pop(PENDING, None)
        if pending is not None and sent["status"].startswith("200"):
            headers = tuple((name, value) for name, value in sent["headers"] if name.lower() not in UNSTORED_HEADERS)
            store.save(pending.pop("key"), store.Entry(headers=headers, **pending))
        return response

    def serve(self, entry, environ, start_response, marker):
        headers = entry.headers if marker is HIT else _briefly_shared(entry.headers)
        if _not_modified(entry, environ):
            headers = [(name, value) for name, value in headers if name.lower() in NOT_MODIFIED_HEADERS]
            start_response("304 Not Modified", [*headers, marker])
            return []
        headers = [*headers, ("Content-Length", str(len(entry.body))), ("Age", _age(entry)), marker]
        start_response("200 OK", headers)
        return [] if environ["REQUEST_METHOD"] == "HEAD" else [entry.body]


def _briefly_shared(headers):
    """``headers`` with a ``Cache-Control`` that lets shared caches keep the page :data:`STALE_SHARED_SECONDS`."""
    replacement = f"s-maxage={STALE_SHARED_SECONDS}"
    return tuple(
        (name, _S_MAXAGE.sub(replacement, value) if name.lower() == "cache-control" else value)
        for name, value in headers
    )


def _not_modified(entry, environ):
    """Whether the reader's copy is current (RFC 9110 13.1: If-None-Match wins over If-Modified-Since)."""
    if_none_match = environ.get("HTTP_IF_NONE_MATCH")
    if if_none_match:
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in tags or entry.etag.removeprefix("W/") in tags
    if_modified_since = environ.get("HTTP_IF_MODIFIED_SINCE")
    if not if_modified_since:
        return False
    since = parse_http_date_safe(if_modified_since)
    return since is not None and int(entry.last_modified) <= since


def _age(entry):
    return str(max(0, int(time.time() - entry.last_modified)))
