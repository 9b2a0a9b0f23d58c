"""The contract between the masthead and a weather provider."""

from dataclasses import dataclass
from datetime import datetime


class WeatherError(Exception):
    """The provider could not give a usable reading (down, slow, or nonsense)."""


@dataclass(frozen=True)
class Location:
    city: str
    latitude: float
    longitude: float
    unit: str = "C"  # "C" or "F"


@dataclass(frozen=True)
class Observation:
    temperature: float
    unit: str
    city: str
    observed_at: datetime
    condition: str = ""  # a word or two, e.g. "Overcast"; may be empty

    @property
    def rounded(self):
        return round(self.temperature)


class BaseWeatherBackend:
    """A weather provider. Subclasses implement :meth:`fetch`.

    ``fetch`` is only ever called out of the reader's request path (from a
    background refresh) and must give up after ``timeout`` seconds.
    """

    def __init__(self, timeout):
        self.timeout = timeout

    def fetch(self, location):
        """Return an :class:`Observation` for ``location`` or raise :class:`WeatherError`."""
        raise NotImplementedError
