"""The django-ninja API object: who may ask (keys), and errors as JSON.

Errors are always ``{"error": "...", "status": N}`` with a sentence saying
what to do instead: 400 for a filter or cursor the API cannot read, 401 for
a key it does not know, 404, 429 with ``Retry-After``. Never a stack trace:
an unexpected error is logged and answered 500 in the same form. A
database outage is left to :mod:`caspian.errors` (503 with ``Retry-After``,
and the page cache's last good copy when it has one).
"""

import logging

from django.conf import settings
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.docs import Swagger
from ninja.security import APIKeyHeader, HttpBearer

from ..outages import DATABASE_ERRORS
from . import keys
from .errors import BadRequest

logger = logging.getLogger(__name__)

DESCRIPTION = """Read-only access to what the publication has published: articles (body as blocks and as HTML),
sections, authors, tags, topics, live blog entries and the corrections log.

Lists are pages of `limit` items, newest first, with a `next` address (cursor pagination): follow it until it is
null. Public without a key unless the site requires one; partners with a key send it as `Authorization: Bearer <key>`
(or `X-API-Key: <key>`) and get their own rate limit. Answers carry an `ETag`: send it back in `If-None-Match` to get
`304 Not Modified` when nothing changed."""


class Anonymous:
    """``request.auth`` for a request without a key."""

    key_id = None

    def __bool__(self):
        return True


ANONYMOUS = Anonymous()


def _check(request, raw_key):
    caller = keys.caller_for(raw_key)
    keys.count_request(caller)
    request.api_key_used = True
    return caller


class BearerKey(HttpBearer):
    """``Authorization: Bearer <key>``."""

    def authenticate(self, request, token):
        return _check(request, token)


class HeaderKey(APIKeyHeader):
    """``X-API-Key: <key>``; an empty one is refused (:func:`keys.caller_for`), not taken for no key."""

    param_name = "X-API-Key"

    def authenticate(self, request, key):
        return _check(request, key) if key is not None else None


def anonymous(request):
    """A request without a key: allowed unless ``CASPIAN_API_REQUIRE_KEY``; a malformed ``Authorization`` is refused."""
    keys.key_from_headers(request.META)  # raises for an Authorization header (even empty) that is not a bearer key
    if settings.API_REQUIRE_KEY:
        raise keys.KeyRefused(401, "This API needs a key: send it as 'Authorization: Bearer <key>'.")
    return ANONYMOUS


api = NinjaAPI(
    title="Caspian content API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    docs=Swagger(settings={"defaultModelsExpandDepth": 0}),
    docs_url="/docs",
    openapi_url="/openapi.json",
    auth=[BearerKey(), HeaderKey(), anonymous],
)


def error(request, status, message, **headers):
    response = api.create_response(request, {"error": message, "status": status}, status=status)
    for name, value in headers.items():
        response[name.replace("_", "-")] = str(value)
    return response


@api.exception_handler(keys.KeyRefused)
def key_refused(request, exc):
    if exc.retry_after is not None:
        return error(request, exc.status, exc.message, Retry_After=exc.retry_after)
    return error(request, exc.status, exc.message, WWW_Authenticate='Bearer realm="api"')


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    return error(request, 401, "This API needs a key: send it as 'Authorization: Bearer <key>'.")


@api.exception_handler(ValidationError)
def invalid(request, exc):
    problems = []
    for problem in exc.errors:
        where = ".".join(str(part) for part in problem.get("loc", ())[1:]) or "request"
        problems.append(f"{where}: {problem.get('msg', 'not valid')}")
    return error(request, 400, "; ".join(problems) or "The request is not valid.")


@api.exception_handler(BadRequest)
def bad_request(request, exc):
    return error(request, 400, str(exc))


@api.exception_handler(HttpError)
def http_error(request, exc):
    return error(request, exc.status_code, str(exc))


@api.exception_handler(Http404)
def not_found(request, exc):
    message = str(exc) if exc.args else "Nothing is published at this address."
    return error(request, 404, message)


@api.exception_handler(Exception)
def unexpected(request, exc):
    if isinstance(exc, DATABASE_ERRORS):
        raise exc  # caspian.errors answers an outage (503, Retry-After, the last good copy)
    logger.exception("API request %s failed", request.path)
    return error(request, 500, "Something went wrong on our side; try again later.")


from . import endpoints  # noqa: E402,F401 (registers the operations on ``api``)
