"""HTTP security headers Django does not set by itself, and whose address a request came from."""

import ipaddress

from django.conf import settings


class ContentSecurityPolicyMiddleware:
    """Send ``settings.CASPIAN_CSP`` on reader pages.

    The policy allows no inline script at all. The Wagtail admin ships its
    own inline scripts and is left to its own defences (login, CSRF,
    frame denial). A reader page rendered as the admin's preview keeps the
    policy, except that the admin may frame it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path_info.startswith(settings.ADMIN_URL_PREFIX):
            policy = settings.CASPIAN_CSP
            # Set by Wagtail while the preview passes through the middleware, under the page's own path.
            if getattr(request, "is_preview", False):
                policy = framed_by_this_site(policy)
            response.headers.setdefault("Content-Security-Policy", policy)
        return response


def framed_by_this_site(policy):
    """``policy`` with ``frame-ancestors 'self'``: pages of this site (the admin's preview panel) may frame it."""
    directives = [d.strip() for d in policy.split(";") if d.strip() and d.split()[0] != "frame-ancestors"]
    return "; ".join([*directives, "frame-ancestors 'self'"])


def client_ip(request):
    """The client's IP address, or ``None`` (readers' comments, staff sign-ins and sessions).

    Behind a proxy (``CASPIAN_BEHIND_PROXY``) it is the last X-Forwarded-For
    entry, the one our proxy added; the entries before it are the client's
    to invent. Anything that is not an IP address is ignored.
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
