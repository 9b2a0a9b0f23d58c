"""HTTP security headers Django does not set by itself."""

from django.conf import settings
from django.urls import reverse


class ContentSecurityPolicyMiddleware:
    """Send ``settings.CASPIAN_CSP`` on reader pages.

    The policy allows no inline script at all. The Wagtail admin ships its
    own inline scripts and is left to its own defences (login, CSRF,
    frame denial).
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = None

    def __call__(self, request):
        response = self.get_response(request)
        if self.admin_prefix is None:
            self.admin_prefix = reverse("wagtailadmin_home")
        if not request.path.startswith(self.admin_prefix):
            response.headers.setdefault("Content-Security-Policy", settings.CASPIAN_CSP)
        return response
