"""The settings the hit path reads, read once per process.

Django's ``settings`` object costs about a microsecond per attribute
through its lazy wrapper, and a cache hit reads a dozen of them: here they
are read once, and again whenever a setting changes (tests override them).
"""

import functools
from dataclasses import dataclass

from django.conf import settings
from django.core.signals import setting_changed


@dataclass(frozen=True)
class HitSettings:
    enabled: bool
    session_cookie: str  # "sessionid=": its presence means an editor, who bypasses the cache
    skipped_prefixes: tuple  # paths never cached


@functools.cache
def hit_settings():
    prefixes = (settings.ADMIN_URL_PREFIX, settings.STATIC_URL, settings.MEDIA_URL, "/comments/", "/documents/")
    return HitSettings(
        enabled=settings.PAGE_CACHE,
        session_cookie=f"{settings.SESSION_COOKIE_NAME}=",
        skipped_prefixes=(*(prefix for prefix in prefixes if prefix.startswith("/")), "/healthz"),
    )


def _forget(**kwargs):
    hit_settings.cache_clear()


setting_changed.connect(_forget, dispatch_uid="pagecache-hit-settings")
