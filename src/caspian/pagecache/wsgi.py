"""The hit path: answer from the page cache before Django handles the request.

A hit never touches the database. Pages with a comment form get the
reader's secrets filled in, as CSRF and form-secrets middleware fill them
on a miss (tests post such forms with CSRF checks on); other pages go out
as stored, or as ``304 Not Modified`` when the reader's copy is current.
"""

import time

from django.http import parse_cookie
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
from django.utils.http import parse_http_date_safe

from ..comments import tokens
from . import store
from .conf import hit_settings
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
            return self.not_modified(entry, start_response)
        return self.send(entry, entry.parts[0], [], environ, start_response)

    def serve_personalised(self, entry, environ, start_response):
        """Fill in this reader's form secrets, as ``FormSecretsMiddleware`` does on a miss.

        A reader without a CSRF cookie gets one, as ``CsrfViewMiddleware``
        would set it; one with a cookie keeps it (it lasts a year), and may
        get a 304 since their copy's form still works.
        """
        secret = _csrf_secret(environ)
        cookies = []
        if secret is None:
            secret = tokens.new_csrf_secret()
            cookies.append(_csrf_cookie(secret))
        elif _not_modified(entry, environ):
            return self.not_modified(entry, start_response)
        body = tokens.hidden_inputs(tokens.mask(secret)).encode().join(entry.parts)
        return self.send(entry, body, cookies, environ, start_response)

    def not_modified(self, entry, start_response):
        headers = [(name, value) for name, value in entry.headers if name.lower() in NOT_MODIFIED_HEADERS]
        start_response("304 Not Modified", [*headers, HIT])
        return []

    def send(self, entry, body, extra_headers, environ, start_response):
        headers = [*entry.headers, *extra_headers, ("Content-Length", str(len(body))), ("Age", _age(entry)), HIT]
        start_response("200 OK", headers)
        return [] if environ["REQUEST_METHOD"] == "HEAD" else [body]


def _csrf_secret(environ):
    """The reader's CSRF secret, if their cookie holds a well-formed one (as ``CsrfViewMiddleware`` checks)."""
    cookie = environ.get("HTTP_COOKIE", "")
    name = hit_settings().csrf_cookie_name
    if name not in cookie:
        return None
    secret = parse_cookie(cookie).get(name, "")
    if len(secret) == CSRF_SECRET_LENGTH and all(char in CSRF_ALLOWED_CHARS for char in secret):
        return secret
    return None


def _csrf_cookie(secret):
    """The ``Set-Cookie`` header ``CsrfViewMiddleware`` sends for a new secret."""
    config = hit_settings()
    return ("Set-Cookie", f"{config.csrf_cookie_name}={secret}; {config.csrf_cookie_attributes}")


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
