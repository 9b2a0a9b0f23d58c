from django.utils import timezone

from .base import BaseWeatherBackend, Observation


class SampleBackend(BaseWeatherBackend):
    """A fixed reading, for tests and for a demo machine with no way to the internet."""

    temperature_c = 5.0

    def fetch(self, location):
        temperature = self.temperature_c if location.unit == "C" else self.temperature_c * 9 / 5 + 32
        return Observation(temperature, location.unit, location.city, timezone.now(), "Sample reading")
