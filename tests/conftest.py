import pytest
from django.core.cache import cache

from .fake_services import FakeOpenMeteo


def clear_cache():
    """Empty this test run's cache without touching other users of a shared Redis."""
    if hasattr(cache, "delete_pattern"):
        cache.delete_pattern("*")
    else:
        cache.clear()


@pytest.fixture(autouse=True)
def _fresh_cache():
    clear_cache()
    yield


@pytest.fixture
def open_meteo(settings):
    """A fake Open-Meteo on 127.0.0.1, wired in as the weather provider."""
    with FakeOpenMeteo() as server:
        settings.WEATHER_API_URL = server.url
        settings.WEATHER_BACKEND = "caspian.masthead.weather.openmeteo.OpenMeteoBackend"
        settings.WEATHER_TIMEOUT_SECONDS = 2
        yield server
