"""CORS for ``/api/v1/``: browser apps on the origins in ``CASPIAN_API_CORS_ORIGINS`` may call the API.

A WSGI wrapper outside the page cache (see :mod:`caspian.wsgi`), not a
Django middleware: the page cache answers hits before Django, and stores
one copy of an answer for every origin. So the stored copy carries no
origin, and ``Access-Control-Allow-Origin`` is added here to every answer,
hit or miss, for the origin that asked; ``Vary: Origin`` tells caches in
front that the answer differs by origin. Preflight ``OPTIONS`` requests are
answered here too, without reaching Django.

No credentials are allowed (no cookies): partners send their key in a header.
"""

import json

from django.conf import settings

PREFIX = "/api/v1/"
ALLOWED_METHODS = "GET, HEAD, OPTIONS"
ALLOWED_HEADERS = "Authorization, X-API-Key, If-None-Match, Content-Type"
EXPOSED_HEADERS = "ETag, Retry-After, Age, X-Page-Cache"
PREFLIGHT_SECONDS = 24 * 3600


def allowed_origin(origin):
    """The ``Access-Control-Allow-Origin`` value for ``origin``, or ``None`` if it may not call the API."""
    origins = settings.API_CORS_ORIGINS
    if not origin or not origins:
        return None
    if "*" in origins:
        return "*"
    return origin if origin.rstrip("/") in {o.rstrip("/") for o in origins} else None


class CorsApplication:
    """WSGI middleware adding CORS to the API's answers and answering its preflight requests."""

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        if not environ.get("PATH_INFO", "").startswith(PREFIX):
            return self.application(environ, start_response)
        origin = environ.get("HTTP_ORIGIN")
        allowed = allowed_origin(origin)
        if environ.get("REQUEST_METHOD") == "OPTIONS" and origin and "HTTP_ACCESS_CONTROL_REQUEST_METHOD" in environ:
            return self.preflight(origin, allowed, start_response)

        def with_cors(status, headers, exc_info=None):
            return start_response(status, self.cors_headers(headers, allowed), exc_info)

        return self.application(environ, with_cors)

    def cors_headers(self, headers, allowed):
        vary = [value for name, value in headers if name.lower() == "vary"]
        headers = [(name, value) for name, value in headers if name.lower() != "vary"]
        varies = [v.strip() for value in vary for v in value.split(",") if v.strip()]
        if "origin" not in {v.lower() for v in varies}:
            varies.append("Origin")
        headers.append(("Vary", ", ".join(varies)))
        if allowed:
            headers += [("Access-Control-Allow-Origin", allowed), ("Access-Control-Expose-Headers", EXPOSED_HEADERS)]
        return headers

    def preflight(self, origin, allowed, start_response):
        if allowed is None:
            body = json.dumps(
                {
                    "error": f"Browser apps on {origin} may not call this API: ask the newsroom to add the origin "
                    "to CASPIAN_API_CORS_ORIGINS, or call it from a server.",
                    "status": 403,
                }
            ).encode()
            start_response(
                "403 Forbidden",
                [("Content-Type", "application/json"), ("Content-Length", str(len(body))), ("Vary", "Origin")],
            )
            return [body]
        start_response(
            "204 No Content",
            [
                ("Access-Control-Allow-Origin", allowed),
                ("Access-Control-Allow-Methods", ALLOWED_METHODS),
                ("Access-Control-Allow-Headers", ALLOWED_HEADERS),
                ("Access-Control-Max-Age", str(PREFLIGHT_SECONDS)),
                ("Vary", "Origin"),
            ],
        )
        return []
