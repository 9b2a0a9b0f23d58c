"""HTTP security headers Django does not set by itself."""

from django.conf import settings


class ContentSecurityPolicyMiddleware:
    """Send ``settings.CASPIAN_CSP`` on reader pages.

    The policy allows no inline script at all. The Wagtail admin ships its
    own inline scripts and is left to its own defences (login, CSRF,
    frame denial).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path_info.startswith(settings.ADMIN_URL_PREFIX):
            response.headers.setdefault("Content-Security-Policy", settings.CASPIAN_CSP)
        return response
