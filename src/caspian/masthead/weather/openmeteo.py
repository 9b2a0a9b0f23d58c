"""Open-Meteo's forecast API (https://open-meteo.com/en/docs): free, no key."""

import http.client
import json
import math
import urllib.request
from datetime import UTC, datetime
from urllib.parse import urlencode

from django.conf import settings
from django.utils import timezone

from .base import BaseWeatherBackend, Observation, WeatherError

# WMO weather interpretation codes, as Open-Meteo documents them, grouped
# into the words a masthead has room for.
CONDITIONS = {
    0: "Clear",
    1: "Mostly clear",
    2: "Partly cloudy",
    3: "Overcast",
    45: "Fog",
    48: "Fog",
    **{code: "Drizzle" for code in (51, 53, 55, 56, 57)},
    **{code: "Rain" for code in (61, 63, 65, 66, 67, 80, 81, 82)},
    **{code: "Snow" for code in (71, 73, 75, 77, 85, 86)},
    **{code: "Thunderstorm" for code in (95, 96, 99)},
}


class OpenMeteoBackend(BaseWeatherBackend):
    def url(self, location):
        query = urlencode(
            {
                "latitude": location.latitude,
                "longitude": location.longitude,
                "current": "temperature_2m,weather_code",
                "temperature_unit": "fahrenheit" if location.unit == "F" else "celsius",
                "timezone": "UTC",
            }
        )
        return f"{settings.WEATHER_API_URL}/v1/forecast?{query}"

    def fetch(self, location):
        request = urllib.request.Request(self.url(location), headers={"User-Agent": "Caspian masthead"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                payload = json.loads(response.read(64 * 1024))
        except (OSError, ValueError, http.client.HTTPException) as error:
            raise WeatherError(f"Open-Meteo did not answer usably: {error}") from error
        return self.parse(payload, location)

    @staticmethod
    def parse(payload, location):
        try:
            current = payload["current"]
            temperature = float(current["temperature_2m"])
            observed_at = datetime.fromisoformat(current["time"])
        except (KeyError, TypeError, ValueError) as error:
            raise WeatherError(f"Open-Meteo sent an unexpected answer: {error!r}") from error
        if not math.isfinite(temperature):
            raise WeatherError(f"Open-Meteo sent a temperature that is not a number: {temperature}")
        if timezone.is_naive(observed_at):
            observed_at = observed_at.replace(tzinfo=UTC)
        code = current.get("weather_code")
        condition = CONDITIONS.get(code, "") if isinstance(code, int) else ""
        return Observation(temperature, location.unit, location.city, observed_at, condition)
