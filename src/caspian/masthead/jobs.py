"""The masthead's scheduled job, registered with :mod:`caspian.background` from ``MastheadConfig.ready()``."""

from .. import background
from . import weather
from .models import MastheadSettings


def refresh_stale_weather():
    """Ask for a new reading for each site's masthead weather that has gone stale.

    Otherwise only a reader's page view asks, and the first page rendered
    after a quiet spell (then kept in the page cache) would show a reading
    hours old. :func:`~caspian.masthead.weather.current` queues the refresh
    as a page view would, at most one a minute per location.
    """
    locations = {masthead.weather_location for masthead in MastheadSettings.objects.all()}
    for location in locations - {None}:
        weather.current(location)


background.every_round("weather", refresh_stale_weather)
