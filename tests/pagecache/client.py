"""Requests through the whole WSGI application, page cache included, as a web server sends them.

Django's test client calls Django's handler directly, so it never meets the
page cache in front of it; these tests need what a reader's browser meets.
"""

from dataclasses import dataclass, field
from http.cookies import SimpleCookie

from bs4 import BeautifulSoup
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import RequestFactory

from caspian.pagecache import store
from caspian.pagecache.wsgi import CachedApplication
from caspian.wsgi import application


@dataclass
class Response:
    status: int
    headers: dict
    body: bytes
    cookies: SimpleCookie = field(default_factory=SimpleCookie)

    @property
    def hit(self):
        return self.headers.get("x-page-cache") == "hit"

    @property
    def text(self):
        return self.body.decode()

    def html(self):
        return BeautifulSoup(self.body, "html.parser")


class WsgiClient:
    """A reader: GETs through ``caspian.wsgi.application``, keeping the cookies it is given."""

    def __init__(self):
        self.cookies = {}

    def get(self, path, method="GET", **headers):
        factory = RequestFactory()
        request = factory.generic(method, path, **headers)
        if self.cookies:
            request.environ["HTTP_COOKIE"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        sent = {}

        def start_response(status, response_headers, exc_info=None):
            sent["status"], sent["headers"] = status, response_headers

        # As Django's test client does: a request must not close the test's
        # database connection (it holds the test's transaction).
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            result = application(request.environ, start_response)
            body = b"".join(result)
            if hasattr(result, "close"):
                result.close()  # as a WSGI server does; Django sends request_finished
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)
        cookies = SimpleCookie()
        headers = {}
        for name, value in sent["headers"]:
            if name.lower() == "set-cookie":
                cookies.load(value)
            else:
                headers[name.lower()] = value
        self.cookies.update({name: morsel.value for name, morsel in cookies.items()})
        return Response(int(sent["status"].split()[0]), headers, body, cookies)

    def head(self, path, **headers):
        return self.get(path, method="HEAD", **headers)


def forget_local_copies():
    """Make the next request read the shared cache, as another server process would."""
    store.clear_local()


def get_from_another_thread(path):
    """GET ``path`` through the page cache from another thread, as a second worker would: ``Response``.

    Leaves Django's request signals alone (the test's own request may be
    running), so it is only for answers from the cache, which never reach
    Django; one that would is refused, as a test failure.
    """
    environ = RequestFactory().get(path).environ
    sent = {}

    def start_response(status, response_headers, exc_info=None):
        sent["status"], sent["headers"] = status, response_headers

    def refuse(environ, start_response):
        raise AssertionError(f"{path} reached Django from another thread: it was not answered from the cache")

    body = b"".join(CachedApplication(refuse)(environ, start_response))
    headers = {name.lower(): value for name, value in sent["headers"]}
    return Response(int(sent["status"].split()[0]), headers, body)
