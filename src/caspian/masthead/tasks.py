from django_tasks import task

from . import weather


@task()
def refresh_weather(city, latitude, longitude, unit):
    """Fetch and cache the masthead weather for one location (queued by :func:`weather.current`)."""
    weather.refresh(weather.Location(city, latitude, longitude, unit))
