"""The scheduler: its loop, and the rounds `caspian worker` and `caspian serve` run with it.

The scheduling pass itself (publish-at, expire-at, the page cache) is
tested in tests/newsroom/test_scheduling.py; `caspian serve` running the
scheduler in its main process is tested end to end in tests/e2e.
"""

import threading
from datetime import timedelta

import pytest
from click.testing import CliRunner
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.utils import timezone
from wagtail.models import Revision, Site

from caspian.background import Scheduler, housekeep_if_due
from caspian.cli import main
from caspian.masthead import weather
from caspian.masthead.models import MastheadSettings
from caspian.newsroom.factories import ArticlePageFactory, SectionPageFactory
from caspian.newsroom.models import ArticlePage, HomePage

from .masthead.test_weather import MUNICH, refresh_thread_running, wait_for


class CountingScheduler(Scheduler):
    """A scheduler whose rounds only count themselves; the second fails, the last stops it."""

    def __init__(self, rounds, **kwargs):
        super().__init__(**kwargs)
        self.rounds = rounds
        self.done = 0
        self.first_round = threading.Event()

    def step(self):
        self.done += 1
        self.first_round.set()
        if self.done == self.rounds:
            self.stop()
        if self.done == 2:
            raise RuntimeError("a round that fails")


def test_the_scheduler_runs_rounds_in_a_daemon_thread_until_stopped(caplog):
    scheduler = CountingScheduler(rounds=4, interval=0.01)
    thread = scheduler.start()
    assert thread.daemon and thread.name == "caspian-scheduler"
    thread.join(10)
    assert not thread.is_alive()
    assert scheduler.done == 4  # the failing round did not end the loop; stop() ended it after its round
    assert "Scheduler round failed" in caplog.text


def test_stopping_the_scheduler_does_not_wait_out_its_interval():
    scheduler = CountingScheduler(rounds=None, interval=3600)
    thread = scheduler.start()
    assert scheduler.first_round.wait(10)  # the first round runs at once
    scheduler.stop()
    thread.join(10)
    assert not thread.is_alive()
    assert scheduler.done == 1


def schedule_due(article):
    """Schedule ``article`` for publication, then move the clock past its go-live time."""
    article.go_live_at = timezone.now() + timedelta(hours=1)
    revision = article.save_revision()
    revision.publish()
    when = timezone.now() - timedelta(minutes=1)
    content = {**revision.content, "go_live_at": DjangoJSONEncoder().default(when)}
    Revision.objects.filter(pk=revision.pk).update(approved_go_live_at=when, content=content)
    ArticlePage.objects.filter(pk=article.pk).update(go_live_at=when)


# The worker closes its database connection between batches, so the test
# cannot run inside a transaction; the rows it made are rolled back after.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_worker_batch_publishes_what_is_due(settings):
    settings.TASKS_BACKEND = "database"
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    section = SectionPageFactory(parent=HomePage.objects.get())
    due = ArticlePageFactory(section=section, live=False, first_published_at=None, last_published_at=None)
    expiring = ArticlePageFactory(section=section)
    schedule_due(due)
    ArticlePage.objects.filter(pk=expiring.pk).update(expire_at=timezone.now() - timedelta(minutes=1))
    assert not ArticlePage.objects.get(pk=due.pk).live

    outcome = CliRunner().invoke(main, ["worker", "--batch"], catch_exceptions=False)
    assert outcome.exit_code == 0
    assert ArticlePage.objects.get(pk=due.pk).live
    assert not ArticlePage.objects.get(pk=expiring.pk).live


def test_the_worker_and_the_server_say_who_does_the_scheduling():
    def help_text(command):
        return " ".join(CliRunner().invoke(main, [command, "--help"]).output.split())

    assert "Every 30 s it publishes and unpublishes" in help_text("worker")
    assert "`caspian serve` does the scheduling itself" in help_text("worker")
    assert "main process (not each worker) also runs the scheduler" in help_text("serve")
    assert "`caspian worker` does all that instead" in help_text("serve")
    assert "published and unpublished on time" in help_text("demo")


@pytest.fixture
def munich(db):
    return MastheadSettings.objects.create(
        site=Site.objects.get(is_default_site=True), weather_city="Munich", latitude=48.13743, longitude=11.57549
    )


@pytest.mark.django_db
def test_a_round_keeps_the_weather_fresh_without_a_reader(open_meteo, munich):
    Scheduler().step()
    assert wait_for(lambda: len(open_meteo.requests) == 1)
    assert wait_for(lambda: not refresh_thread_running())
    assert weather.current(MUNICH).temperature == 5.3  # a reader now finds a fresh reading

    Scheduler().step()  # still fresh: nothing asked
    assert not refresh_thread_running()
    assert len(open_meteo.requests) == 1


@pytest.mark.django_db
def test_a_round_leaves_a_site_without_weather_alone(open_meteo, munich):
    MastheadSettings.objects.update(weather_city="")
    Scheduler().step()
    assert not refresh_thread_running()
    assert open_meteo.requests == []


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL's autovacuum keeps its own statistics")
def test_the_hourly_housekeeping_gives_sqlite_planner_statistics():
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if cursor.fetchone()[0]:
            cursor.execute("DELETE FROM sqlite_stat1")
        housekeep_if_due()
        cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'wagtailcore_page'")
        assert cursor.fetchone()[0] > 0
