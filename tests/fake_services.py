"""Small real servers on 127.0.0.1 that stand in for third-party services in tests."""

import email
import email.policy
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from aiosmtpd.controller import Controller


class FakeHTTPService:
    """A threaded HTTP server on a free port; subclasses answer in :meth:`handle`."""

    def __init__(self):
        self.mode = "ok"
        self.requests = []
        self.request_seen = threading.Event()
        self._release = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                server.handle(self)

            def do_POST(self):
                server.handle(self)

            def do_PURGE(self):
                server.handle(self)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.release()
        self.httpd.shutdown()
        self.httpd.server_close()

    def release(self):
        self._release.set()

    @staticmethod
    def _send(request, status, body, content_type):
        request.send_response(status)
        request.send_header("Content-Type", content_type)
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)


class FakeOpenMeteo(FakeHTTPService):
    """Speaks enough of Open-Meteo's forecast API for the masthead.

    ``mode`` picks the behaviour: ``"ok"`` answers like the real API,
    ``"garbage"`` sends bytes that are not JSON, ``"wrong-shape"`` valid JSON
    without a temperature, ``"error"`` a 503, and ``"hang"`` never answers
    until :meth:`release` is called. ``requests`` records each query.
    """

    def __init__(self, temperature=5.3):
        super().__init__()
        self.temperature = temperature

    def handle(self, request):
        url = urlsplit(request.path)
        self.requests.append((url.path, {k: v[0] for k, v in parse_qs(url.query).items()}))
        self.request_seen.set()
        if self.mode == "hang":
            self._release.wait(timeout=30)
            return
        if self.mode == "error":
            return self._send(request, 503, b"Service Unavailable", "text/plain")
        if self.mode == "garbage":
            return self._send(request, 200, b"\x00\xffnot json{{", "application/json")
        query = self.requests[-1][1]
        unit = "°F" if query.get("temperature_unit") == "fahrenheit" else "°C"
        current = {"time": "2026-11-27T09:00", "interval": 900, "weather_code": 3}
        if self.mode != "wrong-shape":
            current["temperature_2m"] = self.temperature
        body = {
            "latitude": float(query.get("latitude", 0)),
            "longitude": float(query.get("longitude", 0)),
            "generationtime_ms": 0.03,
            "utc_offset_seconds": 0,
            "timezone": "GMT",
            "current_units": {
                "time": "iso8601",
                "interval": "seconds",
                "temperature_2m": unit,
                "weather_code": "wmo code",
            },
            "current": current,
        }
        self._send(request, 200, json.dumps(body).encode(), "application/json")


class FakeAkismet(FakeHTTPService):
    """Speaks Akismet's comment-check, submit-spam and submit-ham.

    ``mode``: ``"ham"`` answers ``false``, ``"spam"`` answers ``true``,
    ``"invalid"`` answers ``invalid`` (as Akismet does for a bad key) and
    ``"error"`` a 503. ``requests`` records ``(path, form fields)``.
    """

    def __init__(self):
        super().__init__()
        self.mode = "ham"

    def handle(self, request):
        length = int(request.headers.get("Content-Length") or 0)
        fields = {k: v[0] for k, v in parse_qs(request.rfile.read(length).decode()).items()}
        self.requests.append((urlsplit(request.path).path, fields))
        self.request_seen.set()
        if self.mode == "error":
            return self._send(request, 503, b"Service Unavailable", "text/plain")
        answers = {"ham": b"false", "spam": b"true", "invalid": b"invalid"}
        if request.path.endswith("/comment-check"):
            return self._send(request, 200, answers[self.mode], "text/plain")
        self._send(request, 200, b"Thanks for making the web a better place.", "text/plain")


class FakePurgingProxy(FakeHTTPService):
    """A caching proxy's purge endpoint (Varnish, nginx): records each ``PURGE`` as ``(Host, path)``."""

    def handle(self, request):
        self.requests.append((request.command, request.headers["Host"], request.path))
        self.request_seen.set()
        self._send(request, 200, b"Purged", "text/plain")

    def purged(self):
        return {path for method, host, path in self.requests if method == "PURGE"}


def free_port():
    """A port free on 127.0.0.1 now (aiosmtpd, for one, checks its server by connecting to the port it was given)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class FakeSMTP:
    """A real SMTP server (aiosmtpd) on 127.0.0.1 that keeps what it receives in ``messages``."""

    def __init__(self):
        self.messages = []
        self._arrived = threading.Condition()
        server = self

        class Handler:
            async def handle_DATA(self, smtp_server, session, envelope):
                message = email.message_from_bytes(envelope.content, policy=email.policy.default)
                with server._arrived:
                    server.messages.append((envelope.rcpt_tos, message))
                    server._arrived.notify_all()
                return "250 Message accepted for delivery"

        self.host, self.port = "127.0.0.1", free_port()
        self.controller = Controller(Handler(), hostname=self.host, port=self.port)

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()

    def wait_for(self, count, timeout=10):
        """Wait until ``count`` messages have arrived; returns them (possibly fewer after ``timeout``)."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while len(self.messages) < count and time.monotonic() < deadline:
                self._arrived.wait(timeout=deadline - time.monotonic())
        return list(self.messages)


class FakeFileHost(FakeHTTPService):
    """A web server for files: ``files`` maps a path (``/wp-content/uploads/…``) to bytes; anything else is a 404.

    ``requests`` records each path asked for.
    """

    def __init__(self, files=None):
        super().__init__()
        self.files = dict(files or {})

    def handle(self, request):
        path = urlsplit(request.path).path
        self.requests.append(path)
        self.request_seen.set()
        if path not in self.files:
            return self._send(request, 404, b"Not Found", "text/plain")
        self._send(request, 200, self.files[path], "application/octet-stream")


class FakeS3:
    """moto's S3 server on a free port of 127.0.0.1, with ``bucket`` readable by anyone, as a media bucket is.

    ``url`` is the endpoint; ``client`` a boto3 client for it, with the given credentials.
    """

    def __init__(self, bucket, *, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY):  # noqa: N803 (the variables' names)
        self.bucket = bucket
        self.credentials = {"aws_access_key_id": AWS_ACCESS_KEY_ID, "aws_secret_access_key": AWS_SECRET_ACCESS_KEY}

    def __enter__(self):
        import boto3
        from moto.server import ThreadedMotoServer

        self.server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self.server.start()
        try:
            host, port = self.server.get_host_and_port()
            self.url = f"http://{host}:{port}"
            self.client = boto3.client("s3", endpoint_url=self.url, region_name="us-east-1", **self.credentials)
            self.client.create_bucket(Bucket=self.bucket)
            public_read = {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{self.bucket}/*",
            }
            policy = {"Version": "2012-10-17", "Statement": [public_read]}
            self.client.put_bucket_policy(Bucket=self.bucket, Policy=json.dumps(policy))
        except BaseException:
            self.server.stop()
            raise
        return self

    def __exit__(self, *exc):
        self.server.stop()
