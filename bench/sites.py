"""Scratch Caspian sites, one per backend: their environment, content, cache and server.

A site lives in a temporary folder (and, for PostgreSQL, a scratch
database and a Redis database number) for one run; :func:`open_site`
removes all of it when the run is done with it, whatever happened.
"""

import contextlib
import os
import re
import shutil
import subprocess
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from errors import BenchError
from processes import background, free_port, run_step, wait_until_up
from tools import pinned

BACKENDS = ("sqlite", "postgres")
# The benchmark must not wait on a third-party service: a fixed reading.
SAMPLE_WEATHER = "caspian.masthead.weather.dummy.SampleBackend"
# Settings from the caller's shell that would make the run measure
# something other than the defaults; every CASPIAN_* variable goes too.
INHERITED_SETTINGS = ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "ALLOWED_HOSTS")
WORKERS = 2
# What `caspian demo` says about serving and logging in: not true of a scratch site.
DEMO_ADVICE = ("Admin login:", "Log in to the admin", "The Caspian Times:", "Admin:")
DEMO_ADVICE += tuple(f"{role} login:" for role in ("Contributor", "Reporter", "Editor", "Moderator"))
COUNT_ARTICLES = "from caspian.newsroom.models import ArticlePage; print(ArticlePage.objects.live().count())"


@dataclass(frozen=True)
class Server:
    """A running ``caspian serve``: its base URL, its process (leader of its group) and its log file."""

    base: str
    process: subprocess.Popen
    log_path: Path


class Site:
    """A scratch site. Subclasses set :attr:`backend` and know how to empty their cache.

    ``caspian(*args)`` runs the ``caspian`` command against the site;
    ``serve(...)`` runs its web server for a ``with`` block.
    """

    backend = None

    def __init__(self, tools, workdir):
        self.tools = tools
        self.workdir = workdir
        self.home = workdir / "home"
        self.env = {
            name: value
            for name, value in os.environ.items()
            if not name.startswith("CASPIAN_") and name not in INHERITED_SETTINGS
        }
        self.env.update(CASPIAN_HOME=str(self.home), CASPIAN_WEATHER_BACKEND=SAMPLE_WEATHER)

    def describe(self):
        """What to say about this backend's servers in the results."""
        return "SQLite file, file cache"

    def clear_cache(self):
        """Empty the page cache (and everything else cached), so a measurement starts cold."""
        raise NotImplementedError

    def close(self):
        """Remove what the site holds outside its folder (the folder goes with the run)."""

    # --- content ---------------------------------------------------------------

    def caspian(self, *args, relay=True, hide=()):
        """Run ``caspian ARGS`` against this site in the foreground (see :func:`processes.run_step`)."""
        run_step([str(self.tools.caspian), *args], self.env, self.workdir, relay=relay, hide=hide)

    def count_articles(self):
        """How many live articles the site has."""
        done = subprocess.run(
            [str(self.tools.caspian), "manage", "shell", "-v", "0", "-c", COUNT_ARTICLES],
            env=self.env, cwd=self.workdir, capture_output=True, text=True, check=False,
        )  # fmt: skip
        numbers = re.findall(r"^(\d+)$", done.stdout, re.MULTILINE)
        if done.returncode != 0 or not numbers:
            raise BenchError(f"Could not count the site's articles: {done.stderr.strip()[-500:]}")
        return int(numbers[-1])

    def load_demo(self):
        """Load the demo publication into the empty site; return its article count."""
        self.caspian("demo", "--no-serve", hide=DEMO_ADVICE)
        return self.count_articles()

    def grow_to(self, target, current):
        """Add articles with ``caspian generate-archive`` until there are ``target``; return the new count.

        The caller checks first that the command exists (see
        :func:`can_generate_archive`).
        """
        if target > current:
            # Its own progress bar shows how far it has got: not relayed.
            self.caspian("generate-archive", str(target - current), relay=False)
        return self.count_articles()

    # --- serving ---------------------------------------------------------------

    @contextlib.contextmanager
    def serve(self, name, cpus, extra_env=None):
        """Run ``caspian serve`` (granian, :data:`WORKERS` workers) on a free port for the ``with`` block.

        Yields a :class:`Server` once /healthz answers 200; the server is
        stopped when the block ends. ``name`` names its log file.
        """
        port = free_port()
        command = [str(self.tools.caspian), "serve", "--port", str(port), "--workers", str(WORKERS)]
        log_path = self.workdir / f"{name}.log"
        env = {**self.env, **(extra_env or {})}
        with background(pinned(command, cpus, self.tools), env, self.workdir, log_path) as process:
            base = f"http://127.0.0.1:{port}"
            wait_until_up(f"{base}/healthz", process, log_path)
            yield Server(base, process, log_path)


class SqliteSite(Site):
    """The embedded default: SQLite file and file cache in ``CASPIAN_HOME``."""

    backend = "sqlite"

    def clear_cache(self):
        shutil.rmtree(self.home / "cache", ignore_errors=True)


class PostgresSite(Site):
    """Production's backends: a scratch PostgreSQL database and a Redis database number."""

    backend = "postgres"

    def __init__(self, tools, workdir, server_url, redis_url):
        super().__init__(tools, workdir)
        self.server_url = server_url.rstrip("/")
        self.redis_url = redis_url
        self.database = f"caspian_bench_{os.getpid()}"
        self.redis = _redis_client(redis_url)
        self.redis.flushdb()
        with _admin_connection(self.server_url) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{self.database}"')
            connection.execute(f'CREATE DATABASE "{self.database}"')
        self.env.update(DATABASE_URL=f"{self.server_url}/{self.database}", REDIS_URL=redis_url)

    def describe(self):
        with _admin_connection(self.server_url) as connection:
            version = connection.execute("SHOW server_version").fetchone()[0].split()[0]
        return f"PostgreSQL {version}, Redis {self.redis.info('server')['redis_version']}"

    def clear_cache(self):
        self.redis.flushdb()

    def close(self):
        self.redis.flushdb()
        # FORCE: a server that did not stop cleanly may still hold connections.
        with _admin_connection(self.server_url) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')


@contextlib.contextmanager
def open_site(backend, tools, workdir, options):
    """A new empty :class:`Site` for ``backend`` in ``workdir``, removed after the ``with`` block."""
    workdir.mkdir(parents=True)
    if backend == "sqlite":
        site = SqliteSite(tools, workdir)
    else:
        site = PostgresSite(tools, workdir, options.postgres, f"{options.redis.rstrip('/')}/{options.redis_db}")
    try:
        yield site
    finally:
        site.close()
        shutil.rmtree(workdir, ignore_errors=True)


def check_services(backends, options):
    """Raise :class:`BenchError` (saying what to do) if a service the chosen backends need does not answer."""
    if "postgres" not in backends:
        return
    where = urllib.parse.urlsplit(options.postgres).netloc
    try:
        with _admin_connection(options.postgres.rstrip("/")) as connection:
            connection.execute("SELECT 1")
    except Exception as error:  # psycopg's errors and a missing psycopg alike
        raise BenchError(
            f"PostgreSQL at {where} does not answer ({str(error).strip().splitlines()[0]}): "
            "start it or pass --postgres URL, or leave it out with --backends sqlite."
        ) from None
    redis_url = f"{options.redis.rstrip('/')}/{options.redis_db}"
    try:
        _redis_client(redis_url).ping()
    except Exception as error:  # redis-py's errors, including "DB index is out of range"
        raise BenchError(
            f"Redis at {redis_url} cannot be used ({error}): start it or pass --redis URL / --redis-db N, "
            "or leave it out with --backends sqlite."
        ) from None


def can_generate_archive(tools):
    """Whether this Caspian has the ``generate-archive`` command (being written while this was)."""
    done = subprocess.run([str(tools.caspian), "--help"], capture_output=True, text=True, check=False)
    return re.search(r"^\s+generate-archive\b", done.stdout, re.MULTILINE) is not None


def _admin_connection(server_url):
    """An autocommit connection to the server's ``postgres`` database (CREATE/DROP DATABASE need one)."""
    import psycopg  # from the venv; imported here so a SQLite-only run does without it

    return psycopg.connect(f"{server_url}/postgres", autocommit=True, connect_timeout=5)


def _redis_client(url):
    import redis  # from the venv (django-redis needs it)

    return redis.Redis.from_url(url, socket_connect_timeout=5)


def add_server_options(parser):
    """The command-line options every benchmark shares: CPU pinning, installing tools, the servers to use."""
    parser.add_argument(
        "--no-pin", dest="pin", action="store_false",
        help="let wrk and the servers share all CPUs (default: wrk on the last CPU, servers on the others)",
    )  # fmt: skip
    parser.add_argument("--no-install", dest="install", action="store_false", help="never run apt-get")
    parser.add_argument(
        "--postgres", default="postgres://postgres@127.0.0.1:5432",
        help="PostgreSQL server to create the scratch database on (default: %(default)s)",
    )  # fmt: skip
    parser.add_argument("--redis", default="redis://127.0.0.1:6379", help="Redis server (default: %(default)s)")
    parser.add_argument(
        "--redis-db", type=int, default=15, help="Redis database number, flushed before and after (default: 15)"
    )
