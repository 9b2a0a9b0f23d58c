"""The fault drill (issue #17): readers and commenters while PostgreSQL stops and Redis freezes.

    .venv/bin/python -m bench.fault_drill            # about 3 minutes: the demo built, then 60 s of drill
    .venv/bin/python -m bench.fault_drill --seconds 5

A production-like site: the demo publication on a private PostgreSQL and a
private Redis (tests/services.py: Debian's binaries on free ports, so the
machine's own servers are never touched), `caspian serve --workers 2`,
comments moderated after publication (`COMMENTS_MODERATION=post`), behind
a proxy (each commenter has its own address in X-Forwarded-For).

Readers (8 threads, as fast as they are answered) ask for pages in the
page cache: the front page and three articles. A searcher asks for a page
never cached (a search nobody made before) every 0.25 s; two commenters
each post a comment on a fourth article every 0.5 s (it changes the
comment counts on the front page) and, when a post comes back unsaved
(503 with the form), send it again a second later, as a person would.
Phases of ``--seconds`` each: steady; PostgreSQL stopped; recovering;
Redis frozen (SIGSTOP); recovered.

Prints requests by status per phase, p50/p99 of cached and uncached pages
per phase, and comments: accepted (302), stored (counted in the database at
the end), lost (accepted but not stored, or answered 500), then a verdict
against the issue's targets: 0 comments lost; 0 answers 500; cached pages
p99 under 100 ms while Redis is frozen; uncached pages answer 503 with
Retry-After (or a stale copy) while the database is down.
"""

import argparse
import collections
import contextlib
import itertools
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fake_services import free_port  # noqa: E402
from tests.services import PostgresServer, RedisServer, postgres_available, redis_available  # noqa: E402

CASPIAN = str(Path(sys.executable).parent / "caspian")
PHASES = ("steady", "postgres stopped", "recovering", "redis frozen", "recovered")
READERS, COMMENTERS = 8, 2
# Never-cached pages and comments come at a person's pace, not as fast as the server answers:
# a new search every 0.25 s, a comment from each commenter every 0.5 s.
SEARCH_PAUSE, COMMENT_PAUSE = 0.25, 0.5
SETTINGS = {
    "COMMENTS_MODERATION": "post",
    "COMMENTS_MIN_SECONDS": "1",
    "COMMENTS_RATE_LIMIT": "600/minute",
    "CASPIAN_BEHIND_PROXY": "1",
    "CASPIAN_WEATHER_BACKEND": "caspian.masthead.weather.dummy.SampleBackend",
}


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], epilog="See bench/README.md.")
    parser.add_argument("--seconds", type=float, default=12, help="length of each of the five phases (default 12)")
    return parser.parse_args(argv)


class Drill:
    def __init__(self, site, pages, action):
        self.site, self.pages, self.action = site, pages, action
        self.phase = PHASES[0]
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.answers = collections.defaultdict(collections.Counter)  # phase -> status -> count
        self.latency = collections.defaultdict(list)  # (phase, "cached"/"uncached") -> seconds
        self.uncached_answers = collections.defaultdict(collections.Counter)  # phase -> status of never-cached pages
        self.uncached_503_retry_after = collections.Counter()
        self.accepted, self.server_errors_on_posts = [], 0

    def record(self, kind, started, response):
        with self.lock:
            self.answers[self.phase][response.status_code if response is not None else "no answer"] += 1
            self.latency[(self.phase, kind)].append(time.monotonic() - started)
            if kind == "uncached" and response is not None:
                self.uncached_answers[self.phase][response.status_code] += 1
                if response.status_code == 503 and self.phase == "postgres stopped":
                    self.uncached_503_retry_after[bool(response.headers.get("Retry-After"))] += 1

    def reader(self, number):
        session = requests.Session()
        for n in itertools.count():
            if self.stop.is_set():
                return
            self.get(session, "cached", self.pages["cached"][(number + n) % len(self.pages["cached"])])

    def searcher(self):
        session = requests.Session()
        for n in itertools.count():
            if self.stop.wait(SEARCH_PAUSE):
                return
            self.get(session, "uncached", f"{self.site}/search/?q=port+{n}")  # each a new search

    def get(self, session, kind, url):
        started = time.monotonic()
        try:
            response = session.get(url, timeout=30)
        except requests.RequestException:
            response = None
        self.record(kind, started, response)

    def commenter(self, number):
        session = requests.Session()
        token = session.get(self.site + "/comments/token/", timeout=30).json()["form_token"]
        time.sleep(1.1)  # a token is good one second after it was issued (COMMENTS_MIN_SECONDS)
        headers = {"X-Forwarded-For": f"198.51.100.{number + 10}"}
        for n in itertools.count():
            if self.stop.wait(COMMENT_PAUSE):
                return
            text = f"drill-{number}-{n}: the harbour master said the ferries wait for the wind to drop."
            data = {"comment": text, "author": f"Drill reader {number}", "email": f"r{number}@example.org"}
            data["form_token"] = token
            while not self.stop.is_set():
                started = time.monotonic()
                try:
                    response = session.post(self.action, data=data, headers=headers, timeout=30, allow_redirects=False)
                except requests.RequestException:
                    response = None
                self.record("post", started, response)
                if response is not None and response.status_code == 302:
                    with self.lock:
                        self.accepted.append(text)
                    break
                if response is not None and response.status_code >= 500 and "Nothing is lost" not in response.text:
                    with self.lock:
                        self.server_errors_on_posts += 1
                    break  # the text is gone: counted as lost
                time.sleep(1)  # the form came back: send it again in a moment


def build_site(workdir, postgres, redis):
    port = free_port()
    site = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CASPIAN_", "DJANGO_", "COMMENTS_"))}
    env.update(SETTINGS, CASPIAN_HOME=str(workdir), CASPIAN_BASE_URL=site, DATABASE_URL=postgres.url)
    env["REDIS_URL"] = redis.url
    print("Building the demo on a private PostgreSQL and Redis (about a minute)…", flush=True)
    subprocess.run([CASPIAN, "demo", "--no-serve", "--port", str(port)], env=env, check=True, capture_output=True)
    return site, env


def serve(site, env, log_path):
    port = site.rsplit(":", 1)[1]
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [CASPIAN, "serve", "--port", port, "--workers", "2"], env=env, stdout=subprocess.DEVNULL, stderr=log
        )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        with contextlib.suppress(requests.RequestException):
            if requests.get(site + "/healthz", timeout=5).status_code == 200:
                return process
        time.sleep(0.3)
    process.kill()
    raise SystemExit(f"caspian serve did not come up: see {log_path}")


def find_pages(site):
    home = BeautifulSoup(requests.get(site + "/", timeout=30).text, "html.parser")
    articles = list(dict.fromkeys(a["href"] for a in home.select(".card__title a, .lead-story__headline a")))[:4]
    commented = BeautifulSoup(requests.get(site + articles[3], timeout=30).text, "html.parser")
    action = commented.select_one("#commentform")["action"].split("#")[0]
    return {"cached": [site + "/", *(site + path for path in articles[:3])]}, site + action


def stored_comments(postgres):
    import psycopg

    with psycopg.connect(postgres.url.replace("postgres://", "postgresql://", 1)) as connection:
        rows = connection.execute("SELECT body FROM comments_comment WHERE body LIKE 'drill-%%'").fetchall()
    return [body for (body,) in rows]


def run(options):
    if not (postgres_available() and redis_available()):
        raise SystemExit("The drill needs Debian's postgresql and redis-server packages (apt-get install them).")
    with (
        tempfile.TemporaryDirectory(prefix="caspian-drill-") as folder,
        PostgresServer() as postgres,
        RedisServer() as redis,
    ):
        workdir = Path(folder)
        site, env = build_site(workdir, postgres, redis)
        log_path = workdir / "serve.log"
        server = serve(site, env, log_path)
        try:
            pages, action = find_pages(site)
            for url in pages["cached"]:
                requests.get(url, timeout=30)
            drill = Drill(site, pages, action)
            threads = [threading.Thread(target=drill.reader, args=(n,)) for n in range(READERS)]
            threads += [threading.Thread(target=drill.commenter, args=(n,)) for n in range(COMMENTERS)]
            threads.append(threading.Thread(target=drill.searcher))
            for thread in threads:
                thread.start()
            faults = {"postgres stopped": (postgres.stop, postgres.start), "redis frozen": (redis.freeze, redis.resume)}
            for phase in PHASES:
                drill.phase = phase
                begin, end = faults.get(phase, (None, None))
                print(f"  {phase}…", flush=True)
                if begin:
                    begin()
                time.sleep(options.seconds)
                if end:
                    end()
            drill.stop.set()
            for thread in threads:
                thread.join(60)
        finally:
            server.terminate()
            server.wait(30)
        stored = stored_comments(postgres)
        log = log_path.read_text()
    report(drill, stored, log)


def _ms(samples, quantile):
    if not samples:
        return "–"
    if len(samples) == 1:
        return f"{samples[0] * 1000:.1f}"
    return f"{statistics.quantiles(samples, n=100, method='inclusive')[quantile - 1] * 1000:.1f}"


def report(drill, stored, log):
    statuses = sorted({status for counter in drill.answers.values() for status in counter}, key=str)
    print("\n| phase | " + " | ".join(str(s) for s in statuses) + " | cached p50 / p99 ms | uncached p50 / p99 ms |")
    print("|---|" + "---:|" * (len(statuses) + 2))
    for phase in PHASES:
        counts = " | ".join(f"{drill.answers[phase][s]:,}" for s in statuses)
        cached, uncached = drill.latency[(phase, "cached")], drill.latency[(phase, "uncached")]
        timing = f"{_ms(cached, 50)} / {_ms(cached, 99)} | {_ms(uncached, 50)} / {_ms(uncached, 99)}"
        print(f"| {phase} | {counts} | {timing} |")
    accepted, stored_set = set(drill.accepted), set(stored)
    lost = len(accepted - stored_set) + drill.server_errors_on_posts
    duplicates = len(stored) - len(stored_set)
    errors_500 = sum(counter[500] for counter in drill.answers.values())
    frozen_p99 = _ms(drill.latency[("redis frozen", "cached")], 99)
    down = drill.uncached_answers["postgres stopped"]
    print(f"\n- comments accepted {len(accepted):,}, stored {len(stored):,}, lost {lost}, stored twice {duplicates}")
    with_retry_after = drill.uncached_503_retry_after[True]
    print(f"- never-cached pages while PostgreSQL was down: {dict(down)} (503 with Retry-After: {with_retry_after:,})")
    print(
        f"- log: {log.count('does not answer')} 'does not answer' lines, {log.count('answers again')} 'answers again', "
        f"{log.count('Traceback')} tracebacks, {len(log.encode()):,} bytes"
    )
    verdicts = [
        ("0 comments lost", lost == 0 and duplicates == 0),
        ("0 responses 500", errors_500 == 0),
        (
            f"cached pages p99 under 100 ms while Redis is frozen: {frozen_p99} ms",
            frozen_p99 != "–" and float(frozen_p99) < 100,
        ),
        (
            "uncached pages 503 with Retry-After or a stale copy while PostgreSQL is down",
            bool(down) and set(down) <= {200, 503} and drill.uncached_503_retry_after[False] == 0,
        ),
    ]
    for text, passed in verdicts:
        print(f"- {'PASS' if passed else 'FAIL'} {text}")


def main(argv=None):
    run(parse_args(argv))


if __name__ == "__main__":
    main()
