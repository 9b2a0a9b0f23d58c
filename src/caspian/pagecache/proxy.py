"""Tag purges of the caching proxy in front: Varnish with xkey (``deploy/varnish/caspian.vcl``).

Reader pages carry their cache tags in ``Surrogate-Key``; Varnish indexes
them (vmod xkey) and drops every page carrying a tag on one request::

    PURGE / HTTP/1.1
    xkey-purge: page-12 latest          (hard: never served again)
    xkey-softpurge: page-12 latest      (soft: served stale while one fetch refreshes it)

Purges of a page's own address (``PURGE /path/`` with its ``Host``) go
through Wagtail's frontend cache (``WAGTAILFRONTENDCACHE["proxy"]``).
"""

import logging
from http.client import HTTPException
from urllib.error import HTTPError, URLError
from urllib.parse import urlsplit, urlunsplit
from urllib.request import ProxyHandler, Request, build_opener

from django.conf import settings

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 2
# Varnish refuses a request header line over 8 KB (http_req_hdr_len): stay well under it.
MAX_HEADER_BYTES = 7 * 1024

# The proxy is addressed directly, never through an HTTP proxy from the environment.
_opener = build_opener(ProxyHandler({}))


def purge_tags(tags, *, soft):
    """Purge every page carrying any of ``tags`` from the proxy at ``settings.PURGE_URL``.

    ``soft=False`` (the page itself changed) sends ``xkey-purge``: the old
    copies are never served again. ``soft=True`` (a list on the page
    changed) sends ``xkey-softpurge``: the next reader gets the stale copy
    while one background fetch refreshes it.

    Sends ``PURGE /`` to ``PURGE_URL``'s scheme and host, as many requests as
    needed to keep each header under :data:`MAX_HEADER_BYTES`, each with a
    :data:`TIMEOUT_SECONDS` timeout. Does nothing (returns ``None``) when
    ``PURGE_URL`` is empty or there are no tags. Never raises: when the
    proxy cannot be reached or answers an error, logs one warning and sends
    nothing more (its copies then last until their ``s-maxage``).

    Returns the number of objects the proxy purged, summed over the
    requests, or ``None`` when it was not told (no proxy, a failure, or a
    proxy that does not say).
    """
    url = getattr(settings, "PURGE_URL", None)
    tags = sorted({tag for tag in tags if tag})
    if not url or not tags:
        return None
    parts = urlsplit(url)
    target = urlunsplit((parts.scheme, parts.netloc, "/", "", ""))
    header = "xkey-softpurge" if soft else "xkey-purge"
    batches = list(_batches(tags))
    counts = []
    for number, batch in enumerate(batches):
        request = Request(target, method="PURGE", headers={header: batch})
        try:
            with _opener.open(request, timeout=TIMEOUT_SECONDS) as response:
                counts.append(response.headers.get("X-Purged", ""))
            continue
        except HTTPError as error:
            failure = f"it answered {error.code} {error.reason}"
        except (URLError, OSError, HTTPException, ValueError) as error:  # refused, unknown host, timed out, garbled
            failure = f"it could not be reached ({getattr(error, 'reason', None) or error!r})"
        logger.warning(
            "Could not %s %d cache tags at the proxy %s: %s. Its copies of those pages last until they expire.",
            "soft-purge" if soft else "purge",
            sum(len(later.split()) for later in batches[number:]),
            target,
            failure,
        )
        return None
    return sum(int(count) for count in counts) if all(count.isdigit() for count in counts) else None


def _batches(tags):
    """``tags`` joined by spaces, split so that no header value exceeds :data:`MAX_HEADER_BYTES`."""
    batch = []
    size = 0
    for tag in tags:
        length = len(tag.encode())
        if batch and size + 1 + length > MAX_HEADER_BYTES:
            yield " ".join(batch)
            batch, size = [], 0
        size += length + (1 if batch else 0)
        batch.append(tag)
    if batch:
        yield " ".join(batch)
