from django.conf import settings

from .tokens import PLACEHOLDER, form_secrets

MARKER = PLACEHOLDER.encode()


class FormSecretsMiddleware:
    """Fill each comment form's per-reader secrets into an HTML page (see :mod:`.tokens`).

    Sits below ``CsrfViewMiddleware`` so the CSRF cookie is set for the
    token it fills in; a page cache must sit below this one, so it stores
    pages with the placeholder rather than one reader's token.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            not getattr(response, "streaming", False)
            and response.get("Content-Type", "").startswith("text/html")
            and not request.path.startswith(settings.ADMIN_URL_PREFIX)
            and MARKER in response.content
        ):
            response.content = response.content.replace(MARKER, form_secrets(request).encode())
            response["Cache-Control"] = "private, no-cache"
        return response
