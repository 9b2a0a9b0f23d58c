"""`caspian serve` in production shape: the page cache across worker processes, reloads, health."""

import signal
import subprocess
import threading
import time
from pathlib import Path

import requests

from ..masthead.test_weather import wait_for
from .conftest import CASPIAN

EDIT = """
from caspian.newsroom.models import ArticlePage
article = ArticlePage.objects.live().order_by("first_published_at").first()
article.standfirst = "Checked by the page cache test: {marker}"
article.save_revision().publish()
print(article.url)
"""


def test_pages_come_from_the_cache_shared_by_all_workers(demo_site):
    responses = [requests.get(demo_site.url + "/", timeout=30) for _ in range(6)]
    hits = [r for r in responses if r.headers.get("X-Page-Cache") == "hit"]
    # Two worker processes: after each has seen the page once, every answer is a hit.
    assert len(hits) >= 4, [r.headers.get("X-Page-Cache") for r in responses]
    assert all("Age" in r.headers for r in hits)
    assert len({r.text for r in responses}) == 1


def test_an_edit_published_by_another_process_shows_at_once(demo_site):
    marker = f"edit {time.time()}"
    edit = subprocess.run(
        [CASPIAN, "manage", "shell", "-c", EDIT.format(marker=marker)],
        env=demo_site.env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert edit.returncode == 0, edit.stderr
    url = demo_site.url + edit.stdout.strip().splitlines()[-1]
    time.sleep(0.2)  # workers read the shared generation at most every 0.1 s
    for _ in range(4):  # whichever worker answers
        response = requests.get(url, timeout=30)
        assert marker in response.text


def worker_processes(server):
    """The process ids of ``server``'s children (granian's workers), from /proc."""
    found = set()
    for path in Path(f"/proc/{server.pid}/task").glob("*/children"):
        try:
            found.update(int(pid) for pid in path.read_text().split())
        except FileNotFoundError:  # a thread (a weather refresh, say) that ended meanwhile
            pass
    return found


def test_reload_replaces_workers_while_the_site_keeps_answering(demo_site):
    statuses = []
    stop = threading.Event()

    def keep_reading():
        while not stop.is_set():
            try:
                statuses.append(requests.get(demo_site.url + "/", timeout=30).status_code)
            except requests.RequestException as error:  # a connection reset by a retiring worker
                statuses.append(type(error).__name__)

    def replaced(workers):
        return len(workers) == 2 and not workers & old_workers

    reader = threading.Thread(target=keep_reading)
    old_workers = worker_processes(demo_site.server)
    assert len(old_workers) == 2, old_workers
    reader.start()
    try:
        assert wait_for(lambda: len(statuses) > 10, seconds=120), "the site did not answer before the reload"
        demo_site.server.send_signal(signal.SIGHUP)
        # New workers start (Django loads) while the old ones serve, one by one.
        assert wait_for(lambda: replaced(worker_processes(demo_site.server)), seconds=120), "the workers stayed"
        answered = len(statuses)
        assert wait_for(lambda: len(statuses) > answered + 10, seconds=120), "the new workers did not answer"
    finally:
        stop.set()
        reader.join(timeout=60)
    assert demo_site.server.poll() is None, "the server stopped instead of reloading"
    assert replaced(worker_processes(demo_site.server))
    # granian may reset a connection queued on a worker as it retires (seen
    # on PostgreSQL runs); the site itself never stops answering.
    assert statuses.count(200) >= 0.9 * len(statuses), statuses
    assert statuses[-5:] == [200] * 5
    assert requests.get(demo_site.url + "/healthz", timeout=30).json() == {"database": "ok", "cache": "ok"}
