"""Standard Webhooks signatures (https://www.standardwebhooks.com/): the three headers every delivery carries."""

import base64
import hashlib
import hmac

from .models import SECRET_PREFIX


def secret_bytes(secret):
    """The key a ``whsec_…`` secret stands for: the base64 after the prefix, decoded."""
    return base64.b64decode(secret.removeprefix(SECRET_PREFIX))


def signature(secret, message_id, timestamp, body):
    """``v1,`` and the base64 of HMAC-SHA256 over ``{id}.{timestamp}.{body}`` with ``secret``'s key."""
    signed = f"{message_id}.{timestamp}.{body}".encode()
    digest = hmac.new(secret_bytes(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def headers(secrets, message_id, timestamp, body):
    """``webhook-id``, ``webhook-timestamp`` (unix seconds) and ``webhook-signature``, one signature per secret.

    Several signatures are separated by spaces, as the standard allows:
    a receiver accepts the message if any of them verifies (used while a
    rotated secret is still honoured).
    """
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(signature(secret, message_id, timestamp, body) for secret in secrets),
    }
