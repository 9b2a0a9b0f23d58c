import pytest
from django.core.cache import cache

from caspian import outages

from .fake_services import FakeAkismet, FakeOpenMeteo, FakeSMTP

pytest_plugins = ["tests.suite.scheduling", "tests.suite.isolation", "tests.suite.pure", "tests.suite.renditions"]


def clear_cache():
    """Empty this test process's cache without touching other users of a shared Redis.

    Never ``cache.clear()`` on Redis: it empties the whole database, the
    other xdist workers' entries with it.
    """
    if hasattr(cache, "delete_pattern"):
        cache.delete_pattern("*")
    else:
        cache.clear()


@pytest.fixture(autouse=True)
def _fresh_cache(request):
    outages.CACHE.reset()  # a test that made an outage leaves none behind
    outages.DATABASE.reset()
    if request.node.get_closest_marker("pure"):  # a pure test has no cache (tests/suite/pure.py)
        yield
        return
    forget_everything_cached()
    yield
    # Also after: the next class's setUpTestData renders pages before its first test starts,
    # and the rows it makes get the ids this test's rows had.
    forget_everything_cached()


def forget_everything_cached():
    from caspian.newsroom.images import forget_shown_renditions  # these need the apps loaded
    from caspian.pagecache import fragments, store

    clear_cache()
    store.clear_local()  # what this process remembers of the shared cache, the generation included
    fragments.clear_local()
    forget_shown_renditions()


@pytest.fixture
def open_meteo(settings):
    """A fake Open-Meteo on 127.0.0.1, wired in as the weather provider."""
    with FakeOpenMeteo() as server:
        settings.WEATHER_API_URL = server.url
        settings.WEATHER_BACKEND = "caspian.masthead.weather.openmeteo.OpenMeteoBackend"
        settings.WEATHER_TIMEOUT_SECONDS = 2
        yield server


@pytest.fixture
def akismet(settings):
    """A fake Akismet on 127.0.0.1, wired in as the comment spam check."""
    with FakeAkismet() as server:
        settings.COMMENTS_SPAM_BACKEND = "caspian.comments.spam.akismet.AkismetBackend"
        settings.COMMENTS_AKISMET_URL = server.url
        settings.COMMENTS_AKISMET_KEY = "test-key"
        yield server


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on 127.0.0.1, wired in as the site's mail server."""
    with FakeSMTP() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = server.host, server.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        yield server
