from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from ..newsroom.sites import site_setting
from . import weather
from .dateline import date_line
from .models import MastheadSettings


def masthead(request):
    """``masthead.date_line`` and ``masthead.weather`` for the page header, computed on use."""

    def load():
        location = site_setting(MastheadSettings, request).weather_location
        return {
            "today": timezone.localdate(),
            "date_line": date_line(),
            "weather": weather.current(location) if location else None,
        }

    return {"masthead": SimpleLazyObject(load)}
