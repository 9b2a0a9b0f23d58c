"""The address a request came from, as the throttles and the sessions list see it."""

import ipaddress

from django.conf import settings


def client_ip(request):
    """The client's IP address, or ``None``.

    Behind a proxy (``CASPIAN_BEHIND_PROXY``) it is the last X-Forwarded-For
    entry, the one our proxy added; the entries before it are the client's
    to invent. (The same rule as the comment form's.)
    """
    candidates = [request.META.get("REMOTE_ADDR", "")]
    if settings.BEHIND_PROXY:
        candidates.insert(0, request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[-1].strip())
    for candidate in candidates:
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            continue
    return None
