"""The weather widget against a real (fake) Open-Meteo on 127.0.0.1.

The provider is only ever called from a background thread; these tests
show a page never waits for it and never breaks because of it.
"""

import threading
import time

import pytest
from django.core.cache import cache

from caspian.masthead import weather
from caspian.masthead.models import MastheadSettings
from caspian.masthead.weather import Location

from ..newsroom.scenario import NewsroomTestCase, html

MUNICH = Location("Munich", 48.13743, 11.57549, "C")


def wait_for(condition, seconds=5):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


def refresh_thread_running():
    return any(t.name == "refresh_weather" and t.is_alive() for t in threading.enumerate())


@pytest.fixture(autouse=True)
def _no_refresh_threads_left():
    yield
    assert wait_for(lambda: not refresh_thread_running(), seconds=10)


def test_open_meteo_reading(open_meteo):
    observation = weather.refresh(MUNICH)
    assert observation.temperature == 5.3
    assert observation.rounded == 5
    assert observation.unit == "C"
    assert observation.city == "Munich"
    assert observation.condition == "Overcast"
    path, query = open_meteo.requests[-1]
    assert path == "/v1/forecast"
    assert query["latitude"] == "48.13743" and query["longitude"] == "11.57549"
    assert query["current"] == "temperature_2m,weather_code"
    assert query["temperature_unit"] == "celsius"


def test_fahrenheit_is_asked_for_by_setting(open_meteo):
    weather.refresh(Location("Munich", 48.13743, 11.57549, "F"))
    assert open_meteo.requests[-1][1]["temperature_unit"] == "fahrenheit"


@pytest.mark.parametrize("mode", ["garbage", "wrong-shape", "error"])
def test_bad_answers_give_no_reading_and_a_log_line(open_meteo, mode, caplog):
    open_meteo.mode = mode
    assert weather.refresh(MUNICH) is None
    assert "Weather for Munich unavailable" in caplog.text
    assert weather.current(MUNICH) is None


def test_current_never_waits_for_a_hanging_provider(open_meteo):
    open_meteo.mode = "hang"
    assert weather.current(MUNICH) is None
    # The provider has the request and has not answered, yet current() has returned.
    assert open_meteo.request_seen.wait(5)
    assert refresh_thread_running()
    open_meteo.release()


def test_one_refresh_at_a_time(open_meteo):
    open_meteo.mode = "hang"
    for _ in range(20):
        weather.current(MUNICH)
    assert open_meteo.request_seen.wait(5)
    open_meteo.release()
    assert wait_for(lambda: not refresh_thread_running())
    assert len(open_meteo.requests) == 1


def test_last_good_reading_is_kept_while_the_provider_is_down(open_meteo, settings):
    weather.refresh(MUNICH)
    open_meteo.mode = "error"
    age_past_fresh = settings.WEATHER_CACHE_SECONDS + 60
    key = weather._key(MUNICH, "reading")
    entry = cache.get(key)
    cache.set(key, {**entry, "fetched_at": time.time() - age_past_fresh})

    assert weather.current(MUNICH).temperature == 5.3  # stale but shown
    assert wait_for(lambda: len(open_meteo.requests) == 2)  # and a refresh was tried
    assert wait_for(lambda: not refresh_thread_running())
    assert weather.current(MUNICH).temperature == 5.3


def test_very_old_reading_is_not_shown(open_meteo):
    weather.refresh(MUNICH)
    key = weather._key(MUNICH, "reading")
    cache.set(key, {**cache.get(key), "fetched_at": time.time() - weather.MAX_AGE_SHOWN - 1})
    open_meteo.mode = "error"
    assert weather.current(MUNICH) is None


@pytest.mark.usefixtures("open_meteo")
class WeatherWidgetTests(NewsroomTestCase):
    @pytest.fixture(autouse=True)
    def _server(self, open_meteo):
        self.provider = open_meteo

    def widget(self, url):
        return html(self.get(url)).select_one(".masthead .weather")

    def test_widget_shows_temperature_and_city(self):
        url = self.articles[0].url
        self.assertIsNone(self.widget(url))  # first view starts the fetch
        self.assertTrue(wait_for(lambda: self.widget(url) is not None))
        self.assertEqual(self.widget(url).get_text(" ", strip=True), "5 °C Munich")

    def test_widget_in_fahrenheit(self):
        MastheadSettings.objects.filter(site=self.site).update(temperature_unit="F")
        self.assertTrue(wait_for(lambda: self.widget("/") is not None))
        self.assertEqual(self.widget("/").get_text(" ", strip=True), "5 °F Munich")
        self.assertEqual(self.provider.requests[-1][1]["temperature_unit"], "fahrenheit")

    def test_page_renders_while_the_provider_hangs(self):
        self.provider.mode = "hang"
        self.assertIsNone(self.widget(self.articles[0].url))
        self.assertTrue(self.provider.request_seen.wait(5))
        self.assertTrue(refresh_thread_running())  # the page was served mid-fetch
        self.assertIsNone(self.widget("/"))
        self.provider.release()

    def test_page_renders_when_the_provider_talks_nonsense(self):
        self.provider.mode = "garbage"
        self.widget("/")
        self.assertTrue(self.provider.request_seen.wait(5))
        self.assertTrue(wait_for(lambda: not refresh_thread_running()))
        self.assertIsNone(self.widget(self.articles[0].url))

    def test_no_city_no_widget_and_no_request(self):
        MastheadSettings.objects.filter(site=self.site).update(weather_city="")
        self.assertIsNone(self.widget("/"))
        time.sleep(0.2)
        self.assertEqual(self.provider.requests, [])


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_production_queues_the_refresh_for_the_worker(open_meteo, settings):
    from click.testing import CliRunner
    from django_tasks_db.models import DBTaskResult

    from caspian.cli import main

    settings.TASKS_BACKEND = "database"
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    assert weather.current(MUNICH) is None
    assert not refresh_thread_running()
    task = DBTaskResult.objects.get()
    assert task.task_path == "caspian.masthead.tasks.refresh_weather"
    assert open_meteo.requests == []  # nothing fetched until the worker runs

    assert CliRunner().invoke(main, ["worker", "--batch"]).exit_code == 0
    assert DBTaskResult.objects.get(pk=task.pk).status == "SUCCESSFUL"
    assert weather.current(MUNICH).temperature == 5.3
