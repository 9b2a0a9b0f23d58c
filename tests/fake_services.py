"""Small real HTTP servers on 127.0.0.1 that stand in for third-party services in tests."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


class FakeOpenMeteo:
    """Speaks enough of Open-Meteo's forecast API for the masthead.

    ``mode`` picks the behaviour: ``"ok"`` answers like the real API,
    ``"garbage"`` sends bytes that are not JSON, ``"wrong-shape"`` valid JSON
    without a temperature, ``"error"`` a 503, and ``"hang"`` never answers
    until :meth:`release` is called. ``requests`` records each query.
    """

    def __init__(self, temperature=5.3):
        self.mode = "ok"
        self.temperature = temperature
        self.requests = []
        self.request_seen = threading.Event()
        self._release = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
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

    @staticmethod
    def _send(request, status, body, content_type):
        request.send_response(status)
        request.send_header("Content-Type", content_type)
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)
