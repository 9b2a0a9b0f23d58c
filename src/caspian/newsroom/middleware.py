"""Serve each publication in its own language and time zone."""

from django.conf import settings
from django.utils import timezone, translation

from . import sites
from .models import PublicationSettings


class PublicationLocaleMiddleware:
    """Activate the publication's language and time zone for reader requests.

    The admin keeps the editor's own preferences; uploaded files and the
    health check need no locale, so they skip the site and settings lookups.
    Both come from the shared cache and stay on the request, where
    Wagtail's routing and site settings find them (see :mod:`.sites`).
    """

    def __init__(self, get_response):
        self.get_response = get_response
        prefixes = (settings.ADMIN_URL_PREFIX, settings.MEDIA_URL, "/healthz")
        self.skipped_prefixes = tuple(prefix for prefix in prefixes if prefix.startswith("/"))

    def __call__(self, request):
        if request.path_info.startswith(self.skipped_prefixes):
            return self.get_response(request)
        publication = sites.site_setting(PublicationSettings, request)
        with timezone.override(publication.time_zone), translation.override(publication.language):
            request.LANGUAGE_CODE = publication.language
            return self.get_response(request)
