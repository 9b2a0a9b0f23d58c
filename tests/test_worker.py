"""The scheduler: its loop, the jobs the apps register, and the rounds `caspian worker` and `caspian serve` run.

The scheduling pass itself (publish-at, expire-at, the page cache) is
tested in tests/newsroom/test_scheduling.py; `caspian serve` running the
scheduler in its main process is tested end to end in tests/e2e.
"""

import ast
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from django.apps import apps
from django.core.serializers.json import DjangoJSONEncoder
from django.db import OperationalError, connection
from django.utils import timezone
from wagtail.models import Revision, Site

from caspian import background
from caspian.accounts.tasks import forget_old_sign_in_records
from caspian.api.keys import fold_usage
from caspian.background import Scheduler, every_round, hourly, housekeep_if_due
from caspian.cli import main
from caspian.comments.tasks import purge_ip_addresses
from caspian.masthead import weather
from caspian.masthead.jobs import refresh_stale_weather
from caspian.masthead.models import MastheadSettings
from caspian.newsroom.factories import ArticlePageFactory, SectionPageFactory
from caspian.newsroom.models import ArticlePage, HomePage
from caspian.newsroom.tasks import optimize_database, publish_scheduled
from caspian.webhooks.jobs import queue_due_deliveries
from caspian.webhooks.tasks import forget_old_webhook_deliveries

from .conftest import clear_cache
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


@pytest.mark.pure
def test_the_scheduler_runs_rounds_in_a_daemon_thread_until_stopped(caplog):
    scheduler = CountingScheduler(rounds=4, interval=0.01)
    thread = scheduler.start()
    assert thread.daemon and thread.name == "caspian-scheduler"
    thread.join(10)
    assert not thread.is_alive()
    assert scheduler.done == 4  # the failing round did not end the loop; stop() ended it after its round
    assert "Scheduler round failed" in caplog.text


@pytest.mark.pure
def test_stopping_the_scheduler_does_not_wait_out_its_interval():
    scheduler = CountingScheduler(rounds=None, interval=3600)
    thread = scheduler.start()
    assert scheduler.first_round.wait(10)  # the first round runs at once
    scheduler.stop()
    thread.join(10)
    assert not thread.is_alive()
    assert scheduler.done == 1


@pytest.mark.pure
def test_the_scheduler_waits_the_interval_setting_between_rounds(settings):
    settings.SCHEDULER_SECONDS = 0.01
    scheduler = CountingScheduler(rounds=3)
    assert scheduler.interval == 0.01
    thread = scheduler.start()
    thread.join(10)
    assert not thread.is_alive()  # at the default 30 s the third round would be a minute away
    assert scheduler.done == 3


@pytest.mark.pure
def test_each_app_registers_its_own_jobs():
    assert background.round_jobs == {
        "publishing": publish_scheduled.call,
        "weather": refresh_stale_weather,
        "api usage": fold_usage,
        "webhooks": queue_due_deliveries,
    }
    assert background.hourly_tasks == {
        "caspian.newsroom.tasks.optimize_database": optimize_database,
        "caspian.comments.tasks.purge_ip_addresses": purge_ip_addresses,
        "caspian.accounts.tasks.forget_old_sign_in_records": forget_old_sign_in_records,
        "caspian.webhooks.tasks.forget_old_webhook_deliveries": forget_old_webhook_deliveries,
    }


@pytest.mark.pure
def test_the_scheduler_names_no_app():
    """background.py neither imports an app nor names one by dotted path: the apps bring their jobs."""
    ours = [config.name for config in apps.get_app_configs() if config.name.startswith("caspian.")]
    for node in ast.walk(ast.parse(Path(background.__file__).read_text())):
        if isinstance(node, ast.ImportFrom):
            assert not node.level and not node.module.startswith("caspian"), ast.unparse(node)
        elif isinstance(node, ast.Import):
            assert not any(alias.name.startswith("caspian") for alias in node.names), ast.unparse(node)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            assert not any(app in node.value for app in ours), node.value


@pytest.fixture
def no_jobs(monkeypatch):
    """An empty registry for the test; the apps' jobs are back after it."""
    monkeypatch.setattr(background, "round_jobs", {})
    monkeypatch.setattr(background, "hourly_tasks", {})


def test_a_round_runs_each_job_and_one_failing_spares_the_others(no_jobs, caplog):
    done = []
    every_round("first", lambda: done.append("first"))
    every_round("failing", lambda: 1 / 0)
    every_round("last", lambda: done.append("last"))
    Scheduler().step()
    assert done == ["first", "last"]
    assert "Scheduled failing job failed" in caplog.text
    assert "ZeroDivisionError" in caplog.text


def test_jobs_meeting_a_database_outage_log_it_once_without_a_traceback(no_jobs, caplog):
    def refused():
        raise OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')

    every_round("publishing", refused)
    for _ in range(3):
        Scheduler().step()
    assert [record.getMessage().split(" (")[0] for record in caplog.records] == ["The database does not answer"]
    assert "Traceback" not in caplog.text and "job failed" not in caplog.text


def test_registering_a_job_again_replaces_it(no_jobs):
    done = []
    every_round("job", lambda: done.append("old"))
    every_round("job", lambda: done.append("new"))  # as when an app's ready() runs again
    Scheduler().step()
    assert done == ["new"]


class CountingTask:
    """Stands in for a task: counts how often it is queued."""

    module_path = "tests.test_worker.counting_task"

    def __init__(self):
        self.queued = 0

    def enqueue(self):
        self.queued += 1


def test_an_hourly_task_is_queued_once_an_hour_however_often_registered(no_jobs):
    task = CountingTask()
    hourly(task)
    hourly(task)
    Scheduler().step()
    Scheduler().step()
    assert task.queued == 1
    clear_cache()  # as when the hour is up
    Scheduler().step()
    assert task.queued == 2


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


@pytest.mark.pure
def test_the_worker_and_the_server_say_who_does_the_scheduling():
    def help_text(command):
        return " ".join(CliRunner().invoke(main, [command, "--help"]).output.split())

    assert "Every 30 s (CASPIAN_SCHEDULER_SECONDS) it publishes and unpublishes" in help_text("worker")
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
