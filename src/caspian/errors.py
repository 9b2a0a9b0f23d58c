"""Error pages for readers, and a database outage answered as one: 503 and Retry-After, not 500 and a traceback.

When the database does not answer, every request that needs it fails with
a connection error. Django would answer 500 and log a traceback for each;
:func:`server_error` (the ``handler500``) answers ``503 Service
Unavailable`` with ``Retry-After`` instead, in the publication's design,
and the outage is logged once (:data:`caspian.outages.DATABASE`), with a
line when the database is back. The page cache in front then gives the
reader the last good copy of the page, when it has one
(:meth:`caspian.pagecache.wsgi.CachedApplication.render`).

A comment posted meanwhile is not stored, and not lost either: the reader
gets it back in a form that sends it again (``comments/not_saved.html``).
We chose this over a spool of posts kept on the app server to store later:
a spool on one of several stateless app servers can be lost with its disk,
and a reader told "it will appear shortly" cannot know when it did not.
"""

import logging
import sys

from django.conf import settings
from django.db.backends.signals import connection_created
from django.template.response import TemplateResponse
from django.urls import Resolver404, resolve

from . import outages
from .outages import DATABASE_ERRORS

RETRY_AFTER_SECONDS = 30
# Set in the WSGI environ (``request.META``) of a request answered 503 for an outage.
OUTAGE = "caspian.outage"
# Fields of a comment post sent back to the reader with their text (never the form's honeypot).
KEPT_COMMENT_FIELDS = ("author", "email", "url", "parent", "form_token", "save_details", "notify_replies")


def server_error(request):
    """``handler500``: a 503 page for a database outage, else the plain 500 page."""
    error = sys.exc_info()[1]
    if not isinstance(error, DATABASE_ERRORS):
        return TemplateResponse(request, "500.html", status=500).render()
    outages.DATABASE.failed(error)
    request.META[OUTAGE] = True
    context = {"publication_name": _publication_name(request)}
    if request.method == "POST" and _view_name(request) == "comments:post":
        template = "comments/not_saved.html"
        context["comment"] = request.POST.get("comment", "")
        context["kept"] = [(name, request.POST[name]) for name in KEPT_COMMENT_FIELDS if request.POST.get(name)]
    else:
        template = "503.html"
    response = TemplateResponse(request, template, context, status=503).render()
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def _publication_name(request):
    """The site's name from the shared cache, where it usually is; the configured one if it is not."""
    from .newsroom.sites import find_site

    try:
        site = find_site(request)
    except DATABASE_ERRORS:
        site = None
    return site.site_name if site is not None and site.site_name else settings.WAGTAIL_SITE_NAME


def _view_name(request):
    match = request.resolver_match
    if match is None:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return None
    return match.view_name


class DatabaseOutageFilter(logging.Filter):
    """Drops the traceback a logger would write for each failure in a database outage.

    :data:`caspian.outages.DATABASE` logs the outage once instead. With
    ``report=True`` (for loggers of work outside requests, such as the
    scheduler's jobs) the failure is reported to it here; requests report
    theirs in :func:`server_error`.
    """

    def __init__(self, report=False):
        super().__init__()
        self.report = report

    def filter(self, record):
        if getattr(record, "status_code", None) == 503 and (outages.DATABASE.down or outages.CACHE.down):
            return False  # /healthz saying so, on every poll of the load balancer
        error = record.exc_info[1] if record.exc_info else None
        if not isinstance(error, DATABASE_ERRORS):
            return True
        if self.report:
            outages.DATABASE.failed(error)
        return False


def _connected(sender, connection, **kwargs):
    outages.DATABASE.succeeded()


connection_created.connect(_connected, dispatch_uid="caspian-database-back")
