"""Posting to a partner's endpoint: only to public addresses, with short timeouts, no redirects, a size limit.

The host name is resolved once per attempt and every address it gives is
checked; the connection then goes to the address that was checked (the
TLS certificate is still checked against the host name), so a name that
resolves to a public address when the endpoint is saved and to a private
one later (DNS rebinding) never reaches inside the network.
"""

import http.client
import ipaddress
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from django.conf import settings

USER_AGENT = "Caspian-Webhooks/1"
# What an attempt's record keeps of the answer.
EXCERPT_BYTES = 500


class Refused(Exception):
    """The address may not be sent to; the message says why, in plain words, and what to do."""


class Failed(Exception):
    """The attempt did not get an answer; the message says what went wrong, in plain words."""


@dataclass
class Answer:
    status: int
    excerpt: str


# IPv6 ranges that carry an IPv4 address in their last 32 bits and may reach it: NAT64's
# well-known prefix (RFC 6052), IPv4-translated (RFC 2765) and IPv4-compatible (deprecated).
_IPV4_IN_LAST_32_BITS = [
    ipaddress.ip_network("64:ff9b::/96"),
    ipaddress.ip_network("::ffff:0:0:0/96"),
    ipaddress.ip_network("::/96"),
]
# Local-use NAT64 (RFC 8215): the IPv4 address may sit anywhere in it, so the whole range is refused.
_LOCAL_NAT64 = ipaddress.ip_network("64:ff9b:1::/48")


def is_public(address):
    """Whether ``address`` (an IP address as text) is on the public internet.

    An IPv6 address that carries an IPv4 address (IPv4-mapped, -translated
    or -compatible, NAT64, 6to4) is public only if that IPv4 address is:
    a gateway or the kernel would take ``64:ff9b::7f00:1`` to 127.0.0.1.
    """
    ip = ipaddress.ip_address(address)
    if ip.version == 6:
        if ip in _LOCAL_NAT64:
            return False
        embedded = _embedded_ipv4(ip)
        if embedded is not None:
            return is_public(str(embedded))
    return ip.is_global and not ip.is_multicast


def _embedded_ipv4(ip):
    if ip.ipv4_mapped:
        return ip.ipv4_mapped
    if ip.sixtofour:
        return ip.sixtofour
    if ip in ipaddress.ip_network("::/127"):  # "::" and "::1" are themselves, not IPv4 addresses
        return None
    if any(ip in network for network in _IPV4_IN_LAST_32_BITS):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def check_url(url):
    """Refuse ``url`` unless it is http(s) and its host resolves only to public addresses.

    Private, loopback, link-local and other non-public addresses are
    allowed only with ``CASPIAN_WEBHOOKS_ALLOW_PRIVATE_ADDRESSES``.
    Returns the addresses, in the resolver's order. Raises :class:`Refused`.
    """
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise Refused("Give a full web address starting with https:// (or http://).")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise Refused("The port in the address is not a number between 1 and 65535.") from None
    try:
        found = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise Refused(f"The host name {parts.hostname} could not be found: check the address.") from None
    addresses = list(dict.fromkeys(info[4][0] for info in found))
    if not settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES:
        private = [address for address in addresses if not is_public(address)]
        if private:
            raise Refused(
                f"{parts.hostname} resolves to a private or local address ({private[0]}): webhooks are sent "
                "only to addresses on the public internet (CASPIAN_WEBHOOKS_ALLOW_PRIVATE_ADDRESSES allows others)."
            )
    return addresses


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to ``address`` while speaking to ``host`` (its Host header)."""

    def __init__(self, host, port, *, address, **kwargs):
        super().__init__(host, port, **kwargs)
        self.address = address

    def connect(self):
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """As :class:`_PinnedHTTPConnection`, over TLS, the certificate checked against ``host``."""

    def __init__(self, host, port, *, address, **kwargs):
        super().__init__(host, port, **kwargs)
        self.address = address

    def connect(self):
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(url, body, headers):
    """POST ``body`` (text) to ``url`` with ``headers``; returns an :class:`Answer` of any status.

    Never follows a redirect (a 3xx is an answer like any other). Waits at
    most ``CASPIAN_WEBHOOKS_CONNECT_TIMEOUT`` seconds to connect, then at
    most ``CASPIAN_WEBHOOKS_READ_TIMEOUT`` seconds in all for the answer,
    however slowly it trickles in, and reads at most
    ``CASPIAN_WEBHOOKS_MAX_RESPONSE_BYTES`` of its body. Raises
    :class:`Refused` for an address it may not send to (checked now, at
    send time) and :class:`Failed` when no answer came.
    """
    addresses = check_url(url)
    parts = urlsplit(url)
    connection_class = _PinnedHTTPSConnection if parts.scheme == "https" else _PinnedHTTPConnection
    connect_timeout, read_timeout = settings.WEBHOOKS_CONNECT_TIMEOUT, settings.WEBHOOKS_READ_TIMEOUT
    connection = connection_class(parts.hostname, parts.port, address=addresses[0], timeout=connect_timeout)
    path = request_target(parts)
    expired = threading.Event()
    watchdog = None
    try:
        try:
            connection.connect()
        except TimeoutError:
            raise Failed(f"Could not connect within {connect_timeout:g} s.") from None
        connection.sock.settimeout(read_timeout)

        def give_up():
            expired.set()
            try:
                connection.sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

        # The socket timeout bounds each read; this bounds them all together.
        watchdog = threading.Timer(read_timeout, give_up)
        watchdog.daemon = True
        watchdog.start()
        connection.request(
            "POST",
            path,
            body=body.encode(),
            headers={"Content-Type": "application/json", "User-Agent": USER_AGENT, **headers},
        )
        response = connection.getresponse()
        content = response.read(settings.WEBHOOKS_MAX_RESPONSE_BYTES)
        if expired.is_set():
            raise TimeoutError
        return Answer(response.status, content[:EXCERPT_BYTES].decode(errors="replace"))
    except Failed:
        raise
    except (TimeoutError, http.client.HTTPException, OSError) as error:
        if expired.is_set() or isinstance(error, TimeoutError):
            raise Failed(f"No answer within {read_timeout:g} s.") from None
        raise Failed(_in_plain_words(error)) from None
    finally:
        if watchdog is not None:
            watchdog.cancel()
        connection.close()


# Kept as they are in a path and query: what RFC 3986 allows there, and "%" (already percent-encoded).
_SAFE_IN_PATH = "/%:@!$&'()*+,;=~"
_SAFE_IN_QUERY = _SAFE_IN_PATH + "?"


def request_target(parts):
    """The path and query of ``parts`` (a ``urlsplit`` result) as sent on the request line.

    Anything HTTP does not allow there as is (non-ASCII letters, spaces) is
    percent-encoded as UTF-8, as browsers do: ``/hooks/é`` is sent as
    ``/hooks/%C3%A9``. What is already percent-encoded stays as it is.
    """
    path = quote(parts.path or "/", safe=_SAFE_IN_PATH)
    return path + (f"?{quote(parts.query, safe=_SAFE_IN_QUERY)}" if parts.query else "")


def _in_plain_words(error):
    if isinstance(error, ConnectionRefusedError):
        return "The endpoint refused the connection (nothing listens at that address and port)."
    if isinstance(error, ConnectionResetError | http.client.RemoteDisconnected):
        return "The endpoint closed the connection without answering."
    if isinstance(error, http.client.HTTPException):
        return "The endpoint's answer was not valid HTTP."

    if isinstance(error, ssl.SSLCertVerificationError):
        return f"The endpoint's TLS certificate is not valid: {error.verify_message}."
    if isinstance(error, ssl.SSLError):
        return "The TLS handshake with the endpoint failed."
    return f"Network error: {error.strerror or error}."


def elapsed_ms(started):
    """Milliseconds since ``started`` (a ``time.monotonic()`` reading)."""
    return round((time.monotonic() - started) * 1000)
