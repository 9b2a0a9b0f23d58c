"""The hit path: answer from the page cache before Django handles the request.

A hit never touches the database. Pages with a comment form get the
reader's secrets filled in by the same two middlewares that fill them on a
miss (CSRF and form secrets), run on their own; other pages go out as
stored, or as ``304 Not Modified`` when the reader's copy is current.
"""

import time

from django.conf import settings
from django.core.handlers.wsgi import WSGIRequest
from django.http import HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.http import parse_http_date_safe

from ..comments.tokens import form_secrets
from . import store
from .middleware import MARKER, PENDING, cacheable_request

# Headers that belong to one response, not to the page.
UNSTORED_HEADERS = {"set-cookie", "content-length", "date", "server", "x-page-cache"}
HIT = ("X-Page-Cache", "hit")
# Headers a 304 repeats (RFC 9110, 15.4.5).
NOT_MODIFIED_HEADERS = {"cache-control", "content-location", "etag", "expires", "vary", "last-modified"}


class CachedApplication:
    """WSGI middleware around Django's application: serves hits, stores misses."""

    def __init__(self, application):
        self.application = application
        # Reads the reader's CSRF cookie, and sets it when they have none.
        self.csrf = CsrfViewMiddleware(lambda request: None)

    def __call__(self, environ, start_response):
        if not cacheable_request(environ):
            return self.application(environ, start_response)
        key = store.key_for(
            environ.get("HTTP_HOST", ""), environ.get("PATH_INFO", "/"), environ.get("QUERY_STRING", "")
        )
        entry = store.lookup(key)
        if entry is not None:
            return self.serve(entry, environ, start_response)
        return self.render(key, environ, start_response)

    def render(self, key, environ, start_response):
        sent = {}

        def remember(status, headers, exc_info=None):
            sent["status"], sent["headers"] = status, headers
            return start_response(status, headers, exc_info)

        response = self.application(environ, remember)
        pending = environ.pop(PENDING, None)
        if pending is not None and sent.get("status", "").startswith("200"):
            headers = tuple((name, value) for name, value in sent["headers"] if name.lower() not in UNSTORED_HEADERS)
            parts = tuple(pending.pop("body").split(MARKER))
            store.save(key, store.Entry(headers=headers, parts=parts, **pending))
        return response

    def serve(self, entry, environ, start_response):
        if entry.personalised:
            return self.serve_personalised(entry, environ, start_response)
        if _not_modified(entry, environ):
            headers = [(name, value) for name, value in entry.headers if name.lower() in NOT_MODIFIED_HEADERS]
            start_response("304 Not Modified", headers)
            return []
        return self.send(entry, entry.parts[0], [], environ, start_response)

    def serve_personalised(self, entry, environ, start_response):
        """Fill in this reader's form secrets, as ``FormSecretsMiddleware`` does on a miss."""
        request = WSGIRequest(environ)
        self.csrf.process_request(request)
        # A reader without a CSRF cookie has no copy whose form would still work.
        if _not_modified(entry, environ) and request.COOKIES.get(settings.CSRF_COOKIE_NAME):
            headers = [(name, value) for name, value in entry.headers if name.lower() in NOT_MODIFIED_HEADERS]
            start_response("304 Not Modified", headers)
            return []
        body = form_secrets(request).encode().join(entry.parts)
        carrier = HttpResponse()
        self.csrf.process_response(request, carrier)
        cookies = [("Set-Cookie", cookie.output(header="")) for cookie in carrier.cookies.values()]
        return self.send(entry, body, cookies, environ, start_response)

    def send(self, entry, body, extra_headers, environ, start_response):
        headers = [*entry.headers, *extra_headers, ("Content-Length", str(len(body))), ("Age", _age(entry)), HIT]
        start_response("200 OK", headers)
        return [] if environ["REQUEST_METHOD"] == "HEAD" else [body]


def _not_modified(entry, environ):
    """Whether the reader's copy is current (RFC 9110 13.1: If-None-Match wins over If-Modified-Since)."""
    if_none_match = environ.get("HTTP_IF_NONE_MATCH")
    if if_none_match:
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in tags or entry.etag.removeprefix("W/") in tags
    since = parse_http_date_safe(environ.get("HTTP_IF_MODIFIED_SINCE", ""))
    return since is not None and int(entry.last_modified) <= since


def _age(entry):
    return str(max(0, int(time.time() - entry.last_modified)))
