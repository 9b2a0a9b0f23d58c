"""The masthead's weather: read from the cache, refreshed in the background.

A reader's request only ever reads the cache (:func:`current`). When the
reading is missing or older than ``WEATHER_CACHE_SECONDS``, :func:`current`
asks for one background refresh and returns the last good reading
meanwhile, or ``None`` so the page renders without the widget. A provider
that is down, slow or talking nonsense therefore never delays or breaks a
page.

The refresh runs in the background (:mod:`caspian.background`). A
cache lock keeps refreshes to about one per minute per location; on Redis
it is atomic across all processes, on the file cache nearly so.
"""

import hashlib
import logging
import time
from dataclasses import asdict, astuple

from django.conf import settings
from django.core.cache import cache
from django.utils.module_loading import import_string

from ...background import run_in_background
from .base import BaseWeatherBackend, Location, Observation, WeatherError

__all__ = ["BaseWeatherBackend", "Location", "Observation", "WeatherError", "current", "refresh"]

logger = logging.getLogger(__name__)

# A reading older than this is no longer shown, even if nothing newer came.
MAX_AGE_SHOWN = 6 * 60 * 60


def get_backend():
    return import_string(settings.WEATHER_BACKEND)(timeout=settings.WEATHER_TIMEOUT_SECONDS)


def _key(location, suffix):
    digest = hashlib.sha1(repr(location).encode()).hexdigest()[:16]
    return f"masthead:weather:{digest}:{suffix}"


def current(location):
    """The reading to show for ``location`` now, or ``None``; never waits on the provider."""
    entry = cache.get(_key(location, "reading"))
    age = time.time() - entry["fetched_at"] if entry else None
    if age is None or age > settings.WEATHER_CACHE_SECONDS:
        _refresh_in_background(location)
    if age is None or age > MAX_AGE_SHOWN:
        return None
    try:
        return Observation(**entry["observation"])
    except TypeError:  # cached by a release whose Observation had other fields
        return None


def refresh(location):
    """Fetch a reading now and cache it; returns it, or ``None`` if the provider failed.

    Called in the background (a worker task or a thread, see :func:`current`);
    tests call it directly.
    """
    try:
        observation = get_backend().fetch(location)
    except WeatherError as error:
        logger.warning("Weather for %s unavailable: %s", location.city, error)
        return None
    # Plain values, not the dataclass, so a cached entry outlives code changes.
    entry = {"observation": asdict(observation), "fetched_at": time.time()}
    cache.set(_key(location, "reading"), entry, timeout=MAX_AGE_SHOWN)
    return observation


def _refresh_in_background(location):
    # The lock outlives one fetch attempt, so a dead provider is asked again
    # at most once a minute, not once per page view.
    lock_seconds = settings.WEATHER_TIMEOUT_SECONDS + 60
    if not cache.add(_key(location, "refreshing"), True, timeout=lock_seconds):
        return
    from ..tasks import refresh_weather

    run_in_background(refresh_weather, *astuple(location))
