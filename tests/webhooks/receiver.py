"""A partner's webhook endpoint on 127.0.0.1 that checks signatures with the ``standardwebhooks`` package.

It is a real HTTP server in a thread (like the fakes in tests/fake_services.py)
and can be made to fail on purpose or to be slow.
"""

import json
import threading
from dataclasses import dataclass
from datetime import UTC, datetime

from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from ..fake_services import FakeHTTPService


@dataclass
class Received:
    headers: dict
    body: bytes
    payload: dict | None  # the parsed body if a signature verified, else None
    path: str = ""  # the request target, as sent on the request line

    @property
    def verified(self):
        return self.payload is not None


class WebhookReceiver(FakeHTTPService):
    """Receives webhooks signed with ``secret`` (set it before sending; ``secrets`` for several).

    ``fail_first``: answer the first N requests with a 500. ``slow``: hold
    every request without answering until :meth:`release` (or the test
    ends). ``status`` and ``answer``: what a request that neither fails nor
    hangs gets (a 400 instead when no signature verified). ``received``
    keeps every request; ``arrived`` is set on each.
    """

    def __init__(self):
        super().__init__()
        self.secrets = []
        self.fail_first = 0
        self.slow = False
        self.status = 200
        self.answer = b'{"ok": true}'
        self.extra_headers = {}
        self.received = []
        self._lock = threading.Lock()

    @property
    def secret(self):
        return self.secrets[0]

    @secret.setter
    def secret(self, value):
        self.secrets = [value]

    def verify(self, body, headers):
        """The payload if any of our secrets signed this body, else ``None``.

        The timestamp is checked too (standardwebhooks allows five minutes)
        unless the test moved the clock: then the signature alone, which
        the package computes itself.
        """
        for secret in self.secrets:
            hook = Webhook(secret)
            try:
                return hook.verify(body, headers)
            except WebhookVerificationError:
                pass
            try:
                sent_at = datetime.fromtimestamp(int(headers["webhook-timestamp"]), UTC)
                expected = hook.sign(headers["webhook-id"], sent_at, body)
            except (KeyError, ValueError):
                continue
            if expected in headers.get("webhook-signature", "").split(" "):
                return json.loads(body)
        return None

    def handle(self, request):
        body = request.rfile.read(int(request.headers.get("Content-Length") or 0))
        headers = {name.lower(): value for name, value in request.headers.items()}
        with self._lock:
            self.received.append(Received(headers, body, self.verify(body, headers), request.path))
            count = len(self.received)
        self.request_seen.set()
        if self.slow:
            self._release.wait(timeout=10)
            return
        if count <= self.fail_first:
            return self._send(request, 500, b"Internal Server Error: try again later", "text/plain")
        if not self.received[count - 1].verified:
            return self._send(request, 400, b"Bad signature", "text/plain")
        request.send_response(self.status)
        for name, value in self.extra_headers.items():
            request.send_header(name, value)
        request.send_header("Content-Type", "application/json")
        request.send_header("Content-Length", str(len(self.answer)))
        request.end_headers()
        request.wfile.write(self.answer)
