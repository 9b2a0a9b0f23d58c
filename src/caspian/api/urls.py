"""``/api/v1/``: django-ninja's views, each wrapped by :func:`.responses.finished`; anything else a JSON 404."""

from django.urls import re_path

from .api import api, error
from .endpoints import QUERY_PARAMETERS
from .responses import finished


def _wrap(patterns):
    for pattern in patterns:
        pattern.callback = finished(pattern.callback, QUERY_PARAMETERS)
    return patterns


def not_found(request, rest=""):
    return error(request, 404, "No such API address: see /api/v1/docs for the addresses and /api/v1/openapi.json.")


not_found.query_parameters = ()

patterns, app_name, namespace = api.urls
urlpatterns = [*_wrap(patterns), re_path(r"^(?P<rest>.*)$", not_found, name="not_found")]
