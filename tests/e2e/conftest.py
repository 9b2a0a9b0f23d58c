"""End-to-end: the demo built by `caspian demo` and served by `caspian serve`, over real HTTP.

The site gets its own data folder, its own PostgreSQL server and Redis when
the suite runs on PostgreSQL (test_outages.py stops and freezes them), and
a fake Open-Meteo on 127.0.0.1 as its weather provider. It is built once for this package of tests.
"""

import contextlib
import functools
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
import requests

from ..fake_services import FakeOpenMeteo
from ..services import PostgresServer, RedisServer, postgres_available, redis_available

CASPIAN = str(Path(sys.executable).parent / "caspian")
PAGES = {
    "home": "/",
    "section": "/south-caucasus/",
    "article": None,  # found on the home page
    "author": "/authors/nino-kapanadze/",
    "about": "/about/",
    "search": "/search/?q=Munich",
}


# Settings of the served demo that would only make the tests wait: scheduler
# rounds every second (not 30 s), and a comment form may be sent one
# second after it was shown (not three) without being taken for a bot's.
QUICK_SETTINGS = {"CASPIAN_SCHEDULER_SECONDS": "1", "COMMENTS_MIN_SECONDS": "1"}

# How long a browser test waits for what a person would see before it fails.
BROWSER_WAIT_MS = 20_000

# Headless as root, and nothing that reaches beyond 127.0.0.1 (the machines have no other network).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port():
    """A free port below the range the kernel hands out, so no other test takes it while the demo is built.

    The server binds it only after a minute of building; meanwhile the other
    xdist worker binds ports (fake services, the live server) and opens
    connections, all from the kernel's ephemeral range.
    """
    low, _high = map(int, Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split())
    for port in random.sample(range(10_000, low), 100):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port between 10000 and {low}")


def stop(server):
    """Stop a `caspian serve` as an operator does (Ctrl-C), killing it if it has not gone in 20 s."""
    server.send_signal(signal.SIGINT)
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()


def wait_until_up(url, process, seconds=90):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"caspian serve exited with {process.returncode}")
        try:
            if requests.get(url, timeout=5).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not come up within {seconds} s")


@pytest.fixture(scope="package")
def demo_site(tmp_path_factory):
    home = tmp_path_factory.mktemp("caspian-home")
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CASPIAN_", "DJANGO_"))}
    env.update(CASPIAN_HOME=str(home), CASPIAN_BASE_URL=base_url, CASPIAN_CACHE_PREFIX=f"e2e-{os.getpid()}")
    env.update(QUICK_SETTINGS)
    # The demo's staff sign in with their passwords alone here; test_two_factor_browser.py serves
    # the same demo a second time with two-factor sign-in required, as the demo has it by default.
    env["CASPIAN_TWO_FACTOR_ROLES"] = "none"
    with contextlib.ExitStack() as services:
        outage = services.enter_context(_database(env, home))
        weather = services.enter_context(FakeOpenMeteo())
        env["WEATHER_API_URL"] = weather.url
        demo = subprocess.run(
            [CASPIAN, "demo", "--no-serve", "--port", str(port)], env=env, capture_output=True, text=True, timeout=900
        )
        assert demo.returncode == 0, demo.stdout + demo.stderr
        server = subprocess.Popen(
            [CASPIAN, "serve", "--port", str(port), "--workers", "2"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        services.callback(stop, server)
        wait_until_up(base_url + "/", server)
        yield SimpleNamespace(
            url=base_url, env=env, demo_output=demo.stdout, weather=weather, server=server, database_outage=outage
        )


@contextlib.contextmanager
def _database(env, home):
    """The demo's database, and a context manager that takes it away for a while (``database_outage``).

    On PostgreSQL (``DATABASE_URL`` set) the demo has a private server of its
    own (tests/services.py), with a private Redis, so that a test may stop
    the one and freeze the other; on SQLite, its file is put out of reach.
    Without Debian's PostgreSQL and Redis server binaries, the demo gets a
    database on the suite's own server and ``database_outage`` is ``None``.
    """
    if not os.environ.get("DATABASE_URL"):
        yield functools.partial(_sqlite_out_of_reach, home / "db.sqlite3")
    elif postgres_available() and redis_available():
        with PostgresServer() as postgres, RedisServer() as redis:
            env.update(DATABASE_URL=postgres.url, REDIS_URL=redis.url)
            yield functools.partial(_postgres_stopped, postgres)
    else:  # no server binaries here: a database on the suite's own server, and no outage to make
        with _database_beside(os.environ["DATABASE_URL"]) as url:
            env["DATABASE_URL"] = url
            yield None


@contextlib.contextmanager
def _database_beside(url):
    """A throwaway database on the server of ``url``: its address while the block runs."""
    import psycopg

    name = f"caspian_e2e_{os.getpid()}"
    admin = url.replace("postgres://", "postgresql://", 1)

    def execute(sql):
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(sql)

    execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def _postgres_stopped(postgres):
    postgres.stop()
    try:
        yield
    finally:
        postgres.start()


@contextlib.contextmanager
def _sqlite_out_of_reach(path):
    """A directory where the database file was: SQLite cannot open it, as with a failed disk."""
    away = path.with_name(path.name + ".away")
    path.rename(away)
    path.mkdir()
    try:
        yield
    finally:
        path.rmdir()
        away.rename(path)


@pytest.fixture(scope="package")
def page_urls(demo_site):
    """The reader pages the validators check, as absolute URLs."""
    from bs4 import BeautifulSoup

    home = BeautifulSoup(requests.get(demo_site.url + "/", timeout=30).text, "html.parser")
    article = home.select_one(".lead-story__headline a")["href"]
    return {name: demo_site.url + (path or article) for name, path in PAGES.items()}


@pytest.fixture(scope="package")
def browser():
    """Headless Chromium (Debian's package), one for all the browser tests."""
    from playwright.sync_api import expect, sync_playwright

    executable = shutil.which("chromium")
    assert executable, "install Debian's chromium package (make test does)"
    # Assertions wait for what the reader or editor would see; 5 s (Playwright's
    # default) is too short on a busy 2-core machine (the admin's preview
    # renders the page on the server, then in the frame). Waits end at the event.
    expect.set_options(timeout=BROWSER_WAIT_MS)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
