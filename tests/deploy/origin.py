"""Stand-ins for Caspian's app servers behind the proxy: pages with the headers a test chooses.

Several :class:`AppServer` instances can share one :class:`Site` (round
robin); the site records every request that reached any of them.
"""

import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from ..fake_services import FakeHTTPService

# What Caspian's reader pages answer (caspian/pagecache/middleware.py, default settings).
READER_CACHE_CONTROL = "public, max-age=0, s-maxage=300, stale-while-revalidate=60, stale-if-error=86400"


@dataclass
class Page:
    body: bytes
    status: int = 200
    headers: dict = field(default_factory=dict)


@dataclass
class Fetch:
    """One request that reached an app server."""

    port: int
    method: str
    path: str
    headers: dict


class Site:
    """The pages every app server answers, and the requests that reached them (``/healthz`` aside)."""

    def __init__(self):
        self.pages = {}
        self.fetches = []
        self.healthy = True
        self._gates = {}
        self._arrived = threading.Condition()

    def page(self, path, body, *, tags="", cache_control=READER_CACHE_CONTROL, status=200, **headers):
        """Serve ``body`` at ``path`` (query included, if any) as a Caspian reader page.

        ``tags`` go out as ``Surrogate-Key`` and ``Cache-Tag``; ``cache_control=None``
        sends no ``Cache-Control``; other headers as keywords (``Set_Cookie="a=b"``).
        """
        page_headers = {"Content-Type": "text/html; charset=utf-8", "ETag": f'"{hash(body) & 0xFFFFFFFF:x}"'}
        if cache_control is not None:
            page_headers["Cache-Control"] = cache_control
        if tags:
            page_headers["Surrogate-Key"] = page_headers["Cache-Tag"] = tags
        page_headers.update({name.replace("_", "-"): value for name, value in headers.items()})
        self.pages[path] = Page(body if isinstance(body, bytes) else body.encode(), status, page_headers)

    def hold(self, path):
        """Make requests for ``path`` wait until the returned event is set (and answer what the page is then)."""
        gate = self._gates[path] = threading.Event()
        return gate

    def fetched(self, path):
        """How many requests for ``path`` (query included) reached an app server."""
        with self._arrived:
            return sum(1 for fetch in self.fetches if fetch.path == path)

    def wait_for_fetches(self, path, count, timeout=5):
        """Wait until ``count`` requests for ``path`` have arrived; returns how many did."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while self.fetched(path) < count and time.monotonic() < deadline:
                self._arrived.wait(timeout=deadline - time.monotonic())
            return self.fetched(path)

    def answer(self, server, request):
        path = request.path
        if urlsplit(path).path == "/healthz":
            status = 200 if self.healthy else 503
            return server._send(request, status, b"ok" if self.healthy else b"sick", "text/plain")
        length = int(request.headers.get("Content-Length") or 0)
        if length:
            request.rfile.read(length)
        with self._arrived:
            self.fetches.append(Fetch(server.httpd.server_port, request.command, path, dict(request.headers)))
            self._arrived.notify_all()
        gate = self._gates.get(path)
        if gate is not None:
            gate.wait(timeout=10)
        page = self.pages.get(path) or self.pages.get(urlsplit(path).path)
        if page is None:
            return server._send(request, 404, b"Not Found", "text/plain")
        request.send_response(page.status)
        for name, value in page.headers.items():
            request.send_header(name, value)
        request.send_header("Content-Length", str(len(page.body)))
        request.end_headers()
        if request.command != "HEAD":
            request.wfile.write(page.body)


class AppServer(FakeHTTPService):
    """One app server on a free port of 127.0.0.1 answering from ``site``."""

    def __init__(self, site):
        super().__init__()
        self.site = site
        self.address = ("127.0.0.1", self.httpd.server_port)
        # Stops in a twentieth of a second rather than the default half.
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def handle(self, request):
        self.site.answer(self, request)
