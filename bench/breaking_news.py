"""The breaking-news benchmark (issue #16): readers on the lead story and the front page while stories are published.

    .venv/bin/python -m bench.breaking_news              # both backends, 1,000 articles, with Varnish
    .venv/bin/python -m bench.breaking_news --quick      # a smoke run, about 3 minutes per backend
    make bench BENCH_ARGS='--breaking-news --quick'      # the same through bench/run.py

For each backend (SQLite with the file cache; PostgreSQL + Redis) it builds
a scratch site as bench/run.py does (the demo publication, grown with
`caspian generate-archive`) and serves it with `caspian serve --workers 2`.
Then, with two wrk at once (one per page, `-t1 -c16`, `--latency`):

1. Breaking news, straight at `caspian serve`: 16 connections on the lead
   article (the first article the home page links to) and 16 on the home
   page, steady for 8 s; then the same load for 24 s while a newsdesk
   publishes a new story every 2 s (12 stories). The newsdesk is one
   `caspian manage shell` process sharing the site's database and cache,
   started beforehand (its start-up is not timed), that adds each story as
   a draft and publishes it with `save_revision().publish()`, as the admin
   does, so Caspian's own signals invalidate the page cache. A poller asks
   for `/` every 50 ms and notes when each new headline first appears.
   Figures: req/s, p50 and p99 per page and phase, publishing / steady
   throughput, how long each headline took to reach the front page, and
   how the answers were served (X-Page-Cache: hit, stale, miss, counted by
   a wrk script, bench/answers.lua).
2. Through Varnish (deploy/varnish/caspian.vcl, started by tests/varnish.py's
   helper) in front of the same server: the cached article through
   Varnish against nginx serving the same bytes as a file and against
   `caspian serve` itself (wrk -t2 -c32, as bench/run.py); then the
   breaking-news load through Varnish, with the newsdesk purging Varnish
   (CASPIAN_PURGE_URL), and Varnish's hit ratio from varnishstat.

Then a verdict against the issue's targets: publishing throughput ≥ 0.8×
steady and p99 ≤ 50 ms on both pages, the newest story on the front page
within 2 s; through Varnish the cached article ≥ 0.5× nginx and a hit
ratio ≥ 99 % while publishing. The results are also written as markdown to
bench/results/<date>-<host>-breaking-news.md.

Needs what bench/run.py needs (wrk, nginx; PostgreSQL and Redis for the
postgres backend), and for part 2 Varnish 7 with varnish-modules (Debian's
`varnish` and `varnish-modules`; --no-varnish leaves it out). Everything
it starts is stopped and removed at the end, also after an error or Ctrl+C.
"""

import sys
from pathlib import Path

# The benchmark's modules import each other by plain name (bench/run.py runs
# as a script): make that work under `python -m bench.breaking_news` too.
BENCH = Path(__file__).resolve().parent
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

import argparse  # noqa: E402
import contextlib  # noqa: E402
import os  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import socket  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
import urllib.error  # noqa: E402
import urllib.request  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from datetime import date  # noqa: E402

import sites  # noqa: E402
import wrk  # noqa: E402
from errors import BenchError, exit_status  # noqa: E402
from newsdesk import Newsdesk  # noqa: E402
from processes import group_cpu_seconds, group_processes, wait_until_idle  # noqa: E402
from report import aligned  # noqa: E402
from run import Progress, check_idle, discover_paths  # noqa: E402
from static import static_server  # noqa: E402
from tools import REPO, cpu_split, find_tools, machine_facts  # noqa: E402

RESULTS = REPO / "bench" / "results"
ANSWERS_SCRIPT = BENCH / "answers.lua"
FULL = {"articles": 1000, "steady": 8.0, "publishing": 24.0, "warmup": 2.0, "compare": 10.0}
QUICK = {"articles": 200, "steady": 3.0, "publishing": 8.0, "warmup": 1.0, "compare": 3.0}
PAGES = ("article", "home")
POLL_SECONDS = 0.05
# How long after its publication a headline may take to appear before it counts as not seen.
APPEAR_TIMEOUT = 10.0

# The targets.
THROUGHPUT_MIN = 0.8  # publishing / steady req/s, per page
P99_MAX_MS = 50.0  # during publishing, per page
APPEAR_MAX_SECONDS = 2.0  # the newest story on the front page
VARNISH_VS_STATIC = 0.5  # the cached article through Varnish / nginx serving the same bytes
HIT_RATIO_MIN = 0.99  # Varnish, while publishing


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="python -m bench.breaking_news",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--quick", action="store_true",
        help="smoke run: 200 articles, 3 s steady, 8 s publishing (4 stories), 3 s per URL in the Varnish comparison",
    )  # fmt: skip
    parser.add_argument(
        "--backends", default=",".join(sites.BACKENDS), help="comma-separated, of: sqlite, postgres (default: both)"
    )
    parser.add_argument("--articles", type=int, help=f"archive size (default: {FULL['articles']:,})")
    parser.add_argument("--steady", type=float, help=f"seconds of steady load (default: {FULL['steady']:g})")
    parser.add_argument(
        "--publishing", type=float, help=f"seconds of load while publishing (default: {FULL['publishing']:g})"
    )
    parser.add_argument("--every", type=float, default=2.0, help="seconds between publications (default: 2)")
    parser.add_argument("--warmup", type=float, help=f"seconds of discarded load first (default: {FULL['warmup']:g})")
    parser.add_argument(
        "--compare", type=float,
        help=f"seconds per URL in the Varnish / nginx comparison (default: {FULL['compare']:g})",
    )  # fmt: skip
    parser.add_argument("--connections", type=int, default=16, help="wrk connections per page (default: 16)")
    parser.add_argument("--no-varnish", dest="varnish", action="store_false", help="leave out part 2 (Varnish)")
    sites.add_server_options(parser)
    options = parser.parse_args(argv)
    for name, value in (QUICK if options.quick else FULL).items():
        if getattr(options, name) is None:
            setattr(options, name, value)
    chosen = [item.strip() for item in options.backends.split(",") if item.strip()]
    if not chosen or any(item not in sites.BACKENDS for item in chosen):
        parser.error(f"--backends {options.backends!r}: choose from {', '.join(sites.BACKENDS)}")
    options.backends = list(dict.fromkeys(chosen))
    if options.articles < 1 or options.steady < 1 or options.publishing < options.every or options.every <= 0:
        parser.error("--articles and --steady must be positive, --publishing at least one --every")
    if options.compare < 1 or options.warmup < 0 or options.connections < 1:
        parser.error("--compare must be at least 1 s, --warmup not negative, --connections positive")
    return options


# --- measuring ------------------------------------------------------------------


@dataclass
class Phase:
    """One phase of a scenario (steady or publishing): a wrk result per page, and what else was seen."""

    name: str
    seconds: float
    results: dict = field(default_factory=dict)  # page -> wrk.Result
    answers: dict = field(default_factory=dict)  # page -> {header value: count}
    server_cpu_seconds: float = 0.0
    desk_cpu_seconds: float = 0.0
    other_cpu_seconds: float | None = None  # on the servers' CPUs, used by neither (see busy_seconds)
    cpu_by_server: list = field(default_factory=list)  # `caspian serve`, then Varnish when in front
    varnish: dict = field(default_factory=dict)  # varnishstat counters, after minus before
    publications: list = field(default_factory=list)  # newsdesk.Publication
    appeared: dict = field(default_factory=dict)  # publication number -> seconds after it ended (None: never)
    poll_errors: list = field(default_factory=list)  # the poller's failed requests


@dataclass
class Scenario:
    """The breaking-news load on one backend through one front (``caspian serve`` or Varnish)."""

    backend: str
    articles: int
    front: str  # "caspian serve" or "Varnish"
    urls: dict
    phases: list = field(default_factory=list)


@dataclass
class Comparison:
    """The cached article through each server in one block.

    Rows: (label, wrk.Result, server CPU seconds, other CPU seconds on the servers' CPUs or None).
    """

    backend: str
    articles: int
    size: int  # bytes of the article page
    rows: list = field(default_factory=list)


class Poller(threading.Thread):
    """Asks for the front page every :data:`POLL_SECONDS` and notes when each awaited headline first shows.

    ``expect(publication)`` adds a headline to look for; ``appeared``
    maps its number to the seconds between the end of its publication and
    the answer that first showed it. Runs on ``cpus`` (the load
    generator's) when given.
    """

    def __init__(self, url, cpus):
        super().__init__(daemon=True)
        self.url, self.cpus = url, cpus
        self.awaited, self.appeared, self.errors = {}, {}, []
        self.lock = threading.Lock()
        self.stopping = threading.Event()

    def expect(self, publication):
        with self.lock:
            self.awaited[publication.number] = publication

    def waiting(self):
        with self.lock:
            return bool(self.awaited)

    def run(self):
        if self.cpus:
            os.sched_setaffinity(0, self.cpus)  # this thread only
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        while not self.stopping.is_set():
            asked = time.monotonic()
            try:
                with opener.open(self.url, timeout=10) as response:
                    body = response.read().decode("utf-8", "replace")
            except (urllib.error.URLError, OSError) as error:
                self.errors.append(str(error))
                body = ""
            answered = time.monotonic()
            with self.lock:
                for number, publication in list(self.awaited.items()):
                    if publication.headline in body:
                        self.appeared[number] = max(0.0, answered - publication.ended)
                        del self.awaited[number]
                    elif answered - publication.ended > APPEAR_TIMEOUT:
                        self.appeared[number] = None
                        del self.awaited[number]
            self.stopping.wait(max(0.0, POLL_SECONDS - (time.monotonic() - asked)))

    def finish(self):
        """Wait (at most :data:`APPEAR_TIMEOUT`) for the headlines still awaited, then stop."""
        deadline = time.monotonic() + APPEAR_TIMEOUT + 1
        while self.waiting() and time.monotonic() < deadline:
            time.sleep(POLL_SECONDS)
        self.stopping.set()
        self.join(timeout=15)
        with self.lock:
            for number in self.awaited:
                self.appeared[number] = None
        return self.appeared


class Bench:
    """One run: per backend, a site, the breaking-news scenarios and the Varnish comparison."""

    def __init__(self, options, tools, server_cpus, load_cpus, progress):
        self.options, self.tools, self.progress = options, tools, progress
        self.server_cpus, self.load_cpus = server_cpus, load_cpus
        self.page_load = wrk.Load(1, options.connections, options.steady, load_cpus)
        self.compare_load = wrk.Load(2, 32, options.compare, load_cpus)
        self.scenarios, self.comparisons, self.notes = [], [], {}

    def run(self):
        with tempfile.TemporaryDirectory(prefix="caspian-bench-news-") as scratch:
            for backend in self.options.backends:
                with sites.open_site(backend, self.tools, Path(scratch) / backend, self.options) as site:
                    self.measure_backend(site)
                    self.notes[backend] = site.describe()

    def measure_backend(self, site):
        backend = site.backend
        self.progress(f"{backend}: loading the demo publication (2 to 3 minutes)…")
        articles = site.load_demo()
        if articles < self.options.articles:
            if not sites.can_generate_archive(self.tools):
                raise BenchError("This Caspian has no `caspian generate-archive`: the archive cannot be grown.")
            self.progress(f"{backend}: adding {self.options.articles - articles:,} articles…")
            articles = site.grow_to(self.options.articles, articles)
        self.progress(f"{backend}: {articles:,} articles; starting `caspian serve`")
        site.clear_cache()
        with site.serve(f"{backend}-news", self.server_cpus) as server:
            paths = discover_paths(server)
            urls = {"article": server.base + paths["article"], "home": server.base + "/"}
            self.progress(f"{backend}: the lead article is {paths['article']}")
            with Newsdesk(site, self.server_cpus, name=f"{backend}-newsdesk") as desk:
                scenario = Scenario(backend, articles, "caspian serve", urls)
                self.scenarios.append(scenario)
                self.breaking_news(scenario, desk, [server.process.pid], header="x-page-cache")
            if not self.options.varnish:
                return
            with varnish_in_front(server, self.server_cpus, self.tools) as varnish:
                self.compare(site, server, varnish, urls, paths["article"], articles)
                via = {"article": varnish.url + paths["article"], "home": varnish.url + "/"}
                env = {"CASPIAN_PURGE_URL": varnish.url}
                with Newsdesk(site, self.server_cpus, env, name=f"{backend}-newsdesk-varnish") as desk:
                    scenario = Scenario(backend, articles, "Varnish", via)
                    self.scenarios.append(scenario)
                    pgids = [server.process.pid, varnish.process.pid]
                    self.breaking_news(scenario, desk, pgids, header=None, stats=varnish.stats)

    # --- the breaking-news load ----------------------------------------------

    def breaking_news(self, scenario, desk, server_pgids, header, stats=None):
        """Warm up, then the steady phase, then the publishing phase, on ``scenario.urls``."""
        where = f"{scenario.backend}, via {scenario.front}"
        options = self.options
        # One publication before anything is measured: the desk's first is its slowest
        # (imports, first queries), and it must work before the run relies on it.
        desk.publish(0)
        first = desk.result()
        self.progress(f"{where}: the newsdesk is ready (a first story published in {first.seconds:.2f} s, not counted)")
        if options.warmup:
            self.load_pages(scenario.urls, options.warmup, header=None)
            self.settle(server_pgids)
        for name, seconds in (("steady", options.steady), ("publishing", options.publishing)):
            phase = Phase(name, seconds)
            scenario.phases.append(phase)
            count = int(seconds // options.every) if name == "publishing" else 0
            self.progress(
                f"{where}: {name}, {seconds:g} s"
                + (f", a story every {options.every:g} s ({count} stories)" if count else "")
            )
            self.measure_phase(phase, scenario.urls, server_pgids, desk, count, header, stats)
            self.progress(f"{where}: {_phase_summary(phase)}")
            self.settle(server_pgids)

    def measure_phase(self, phase, urls, server_pgids, desk, count, header, stats):
        poller = Poller(urls["home"], self.load_cpus) if count else None
        before_cpu = [group_cpu_seconds(pgid) for pgid in server_pgids]
        before_desk = group_cpu_seconds(desk.process.pid)
        before_busy = busy_seconds(self.server_cpus)
        before_stats = stats() if stats else {}
        if poller:
            poller.start()
        running = self.start_pages(urls, phase.seconds, header)
        started = time.monotonic()
        try:
            for number in range(1, count + 1):
                # Stories at 1, 3, 5… s (with --every 2): the last one shows within the load.
                moment = started + self.options.every * (number - 0.5)
                time.sleep(max(0.0, moment - time.monotonic()))
                desk.publish(number)
                publication = desk.result()
                phase.publications.append(publication)
                poller.expect(publication)
            for page, load in running.items():
                phase.results[page] = load.result()
                phase.answers[page] = _answers(phase.results[page].output)
        except BaseException:  # an error or Ctrl+C: nothing this phase started may outlive it
            for load in running.values():
                load.stop()
            if poller:
                poller.stopping.set()
            raise
        after_cpu = [group_cpu_seconds(pgid) for pgid in server_pgids]
        phase.cpu_by_server = [after - before for after, before in zip(after_cpu, before_cpu, strict=True)]
        phase.server_cpu_seconds = sum(phase.cpu_by_server)
        phase.desk_cpu_seconds = group_cpu_seconds(desk.process.pid) - before_desk
        if before_busy is not None:
            used = phase.server_cpu_seconds + phase.desk_cpu_seconds
            phase.other_cpu_seconds = max(0.0, busy_seconds(self.server_cpus) - before_busy - used)
        if stats:
            after = stats()
            phase.varnish = {name: after.get(name, 0) - before_stats.get(name, 0) for name in VARNISH_COUNTERS}
        if poller:
            phase.appeared = poller.finish()
            phase.poll_errors = poller.errors

    def start_pages(self, urls, seconds, header):
        """Start one wrk per page at once; returns {page: wrk.Running}."""
        script = {"script": ANSWERS_SCRIPT, "script_args": [header]} if header else {}
        return {
            page: wrk.start(urls[page], self.page_load, self.tools, seconds, headers=READER_HEADERS, **script)
            for page in PAGES
        }

    def load_pages(self, urls, seconds, header):
        for load in self.start_pages(urls, seconds, header).values():
            load.result()

    def settle(self, pgids):
        for pgid in pgids:
            wait_until_idle(pgid)

    # --- Varnish against nginx ----------------------------------------------------

    def compare(self, site, server, varnish, urls, article_path, articles):
        """The cached article from `caspian serve`, through Varnish and from nginx as a file: as is, then gzipped.

        Varnish keeps pages gzipped (caspian.vcl) and unzips them for a client
        that does not accept gzip, as wrk does not by default; browsers do. So
        each is measured both ways, nginx serving the very bytes Varnish
        sends (the gzipped ones with ``gzip_static``).
        """
        through = varnish.url + article_path
        plain, gzipped = _fetch(through)[0], _fetch(through, READER_HEADERS)[0]
        comparison = Comparison(site.backend, articles, len(plain))
        self.comparisons.append(comparison)
        where = f"{site.backend}: the cached article ({len(plain):,} bytes, {len(gzipped):,} gzipped)"
        targets = [
            (CASPIAN, urls["article"], (), server.process.pid),
            (VARNISH, through, (), varnish.process.pid),
            (VARNISH_GZIP, through, READER_HEADERS, varnish.process.pid),
        ]
        for label, url, headers, pgid in targets:
            self.progress(f"{where} from {label}")
            comparison.rows.append((label, *self.measure_url(url, headers, pgid)))
        with static_server(plain, self.tools, self.server_cpus, gzipped=gzipped) as (url, nginx):
            for label, headers in ((NGINX, ()), (NGINX_GZIP, READER_HEADERS)):
                self.progress(f"{where} from {label}")
                comparison.rows.append((label, *self.measure_url(url, headers, nginx.pid)))

    def measure_url(self, url, headers, pgid):
        """Warm, then load ``url`` with the comparison's load; returns (wrk.Result, server CPU s, other CPU s)."""
        _fetch(url, headers)
        if self.options.warmup:
            wrk.measure(url, self.compare_load, self.tools, seconds=self.options.warmup, headers=headers)
            wait_until_idle(pgid)
        before, before_busy = group_cpu_seconds(pgid), busy_seconds(self.server_cpus)
        result = wrk.measure(url, self.compare_load, self.tools, headers=headers)
        cpu = group_cpu_seconds(pgid) - before
        other = None if before_busy is None else max(0.0, busy_seconds(self.server_cpus) - before_busy - cpu)
        wait_until_idle(pgid)
        self.progress(f"  {_result_summary(result)}")
        return result, cpu, other


# The rows of the comparison, and the nginx row each is divided by.
CASPIAN, VARNISH, VARNISH_GZIP = "caspian serve (page cache)", "Varnish", "Varnish, gzip"
NGINX, NGINX_GZIP = "nginx, static file", "nginx, static file, gzip"
VERSUS = {CASPIAN: NGINX, VARNISH: NGINX, NGINX: NGINX, VARNISH_GZIP: NGINX_GZIP, NGINX_GZIP: NGINX_GZIP}
# What a reader's browser sends that changes the answer: pages come gzipped from Varnish.
READER_HEADERS = ("Accept-Encoding: gzip",)

# Varnish's counters worth keeping for a phase: hits (grace ones among them), misses, fetches, purges.
VARNISH_COUNTERS = (
    "cache_hit", "cache_hit_grace", "cache_miss", "cache_hitpass", "cache_hitmiss", "backend_req", "bgfetch",
    "n_purges", "n_obj_purged", "client_req",
)  # fmt: skip


@contextlib.contextmanager
def varnish_in_front(server, cpus, tools):
    """Varnish with the repository's VCL in front of ``server`` (tests/varnish.py's helper), on ``cpus``."""
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    try:
        from tests.varnish import MISSING, Varnish, varnish_available
    except ImportError as error:
        raise BenchError(f"tests/varnish.py cannot be imported ({error}): run with --no-varnish.") from None
    if not varnish_available():
        raise BenchError(f"{MISSING}, or run with --no-varnish.")
    port = int(server.base.rsplit(":", 1)[1])
    # Probes once a second (the helper's default is 0.2 s): /healthz asks the database and the cache.
    with Varnish([("127.0.0.1", port)], probe_interval=1.0) as varnish:
        if cpus:
            _pin_group(varnish.process.pid, cpus, tools)
        yield varnish


def busy_seconds(cpus):
    """CPU time spent so far on ``cpus`` by anything (``/proc/stat``), or None when ``cpus`` is None (not pinned).

    With the servers pinned, what their CPUs did beyond the servers' own
    time is other work: PostgreSQL and Redis (not pinned), the kernel's
    interrupts, and anything else running on the machine. Large shares of
    it make a phase's figures low and noisy.
    """
    if not cpus:
        return None
    wanted = {f"cpu{cpu}" for cpu in cpus}
    ticks = 0
    for line in Path("/proc/stat").read_text().splitlines():
        fields = line.split()
        if fields and fields[0] in wanted:
            user, nice, system, _idle, _iowait, irq, softirq, steal = (int(n) for n in fields[1:9])
            ticks += user + nice + system + irq + softirq + steal
    return ticks / os.sysconf("SC_CLK_TCK")


def _varnish_version():
    varnishd = shutil.which("varnishd") or shutil.which("varnishd", path="/usr/sbin:/usr/local/sbin")
    if not varnishd:
        return "varnish (missing)"
    done = subprocess.run([varnishd, "-V"], capture_output=True, text=True, check=False)
    match = re.search(r"varnish-([\d.]+)", done.stdout + done.stderr)
    return f"varnish {match.group(1) if match else '?'}"


def _pin_group(pgid, cpus, tools):
    """Move every thread of process group ``pgid`` to ``cpus``; threads started later inherit it."""
    for pid, _fields in group_processes(pgid):
        subprocess.run(
            [tools.taskset, "-a", "-p", "-c", ",".join(map(str, cpus)), pid], stdout=subprocess.DEVNULL, check=False
        )


def _fetch(url, headers=()):
    request = urllib.request.Request(url, headers=dict(header.split(": ", 1) for header in headers))
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.read(), response.headers


def _answers(output):
    """{header value: count} from the lines bench/answers.lua prints."""
    found = {}
    for line in output.splitlines():
        if line.startswith("answers "):
            label, _, count = line.rpartition(": ")
            found[label.split(" ", 2)[2]] = int(count)
    return found


# --- the report -------------------------------------------------------------------


def _ms(value):
    if value is None:
        return "-"
    return f"{value:.2f}" if value < 10 else f"{value:.1f}" if value < 100 else f"{value:,.0f}"


def _rps(value):
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def _result_summary(result):
    if not result.requests:
        return "no request answered within the run"
    errors = f", {result.errors:,} errors" if result.errors else ""
    return (
        f"{result.requests_per_second:>9,.1f} req/s   p50 {result.p50_ms:8.2f} ms   p99 {result.p99_ms:8.2f} ms{errors}"
    )


def _phase_summary(phase):
    parts = []
    for page in PAGES:
        result = phase.results[page]
        parts.append(f"{page} {_rps(result.requests_per_second)} req/s p99 {_ms(result.p99_ms)} ms")
    if phase.publications:
        seen = [s for s in phase.appeared.values() if s is not None]
        worst = f"max {max(seen):.2f} s" if seen else "none seen"
        parts.append(f"headlines on / {worst} ({len(seen)}/{len(phase.publications)})")
    return "; ".join(parts)


def _answers_text(phase, page):
    answers = phase.answers.get(page) or {}
    if phase.varnish and page == PAGES[0]:
        return _varnish_text(phase.varnish) + " (both pages)"
    if phase.varnish:
        return "″"
    order = {"hit": 0, "stale": 1, "miss": 2}
    return ", ".join(f"{count:,} {value}" for value, count in sorted(answers.items(), key=lambda i: order.get(i[0], 3)))


def _varnish_text(counters):
    return (
        f"{counters['cache_hit']:,} hits ({counters['cache_hit_grace']:,} stale), {counters['cache_miss']:,} misses, "
        f"{counters['backend_req']:,} fetches"
    )


def hit_ratio(counters):
    looked_up = counters.get("cache_hit", 0) + counters.get("cache_miss", 0)
    return counters.get("cache_hit", 0) / looked_up if looked_up else None


SCENARIO_COLUMNS = ("backend", "via", "page", "phase", "req/s", "p50 ms", "p99 ms", "errors", "answers")


def scenario_rows(scenarios):
    rows = []
    for scenario in scenarios:
        for phase in scenario.phases:
            for page in PAGES:
                result = phase.results[page]
                rows.append(
                    [
                        scenario.backend,
                        scenario.front,
                        page,
                        phase.name,
                        _rps(result.requests_per_second),
                        _ms(result.p50_ms),
                        _ms(result.p99_ms),
                        f"{result.errors:,}",
                        _answers_text(phase, page),
                    ]
                )
    return rows


COMPARISON_COLUMNS = (
    "backend", "cached article from", "req/s", "p50 ms", "p99 ms", "× nginx", "server CPU", "other CPU",
)  # fmt: skip
# × nginx: each row over the nginx row serving the same bytes (VERSUS).


def comparison_rows(comparisons, seconds):
    rows = []
    for comparison in comparisons:
        by_label = {label: result for label, result, *_cpu in comparison.rows}
        for label, result, cpu, other in comparison.rows:
            reference = by_label.get(VERSUS[label])
            share = result.requests_per_second / reference.requests_per_second if reference else None
            rows.append(
                [
                    comparison.backend,
                    label,
                    _rps(result.requests_per_second),
                    _ms(result.p50_ms),
                    _ms(result.p99_ms),
                    f"{share:.2f}×" if share is not None else "-",
                    f"{cpu / seconds:.0%}",
                    "-" if other is None else f"{other / seconds:.0%}",
                ]
            )
    return rows


def markdown_table(columns, rows, numeric):
    align = ["---:" if i in numeric else "---" for i in range(len(columns))]
    return [
        "| " + " | ".join(columns) + " |",
        "|" + "|".join(align) + "|",
        *("| " + " | ".join(row) + " |" for row in rows),
    ]


def details(scenarios):
    """Per scenario: the publications, how long each headline took, throughput ratios and CPU."""
    lines = []
    for scenario in scenarios:
        steady, publishing = scenario.phases
        label = f"{scenario.backend} via {scenario.front}"
        times = [p.seconds for p in publishing.publications]
        seen = [publishing.appeared.get(p.number) for p in publishing.publications]
        shown = [s for s in seen if s is not None]
        ratios = ", ".join(
            f"{page} {publishing.results[page].requests_per_second / steady.results[page].requests_per_second:.2f}×"
            for page in PAGES
            if steady.results[page].requests_per_second
        )
        lines.append(f"- {label}: publishing / steady req/s: {ratios}")
        if times:
            lines.append(
                f"- {label}: {len(times)} stories published, each in {statistics.median(times):.2f} s "
                f"(median; max {max(times):.2f} s); the newsdesk used {publishing.desk_cpu_seconds:.1f} s of CPU"
            )
        renders = {page: publishing.answers.get(page, {}).get("miss") for page in PAGES}
        if times and any(renders.values()):
            per_story = ", ".join(f"{page} {(renders[page] or 0) / len(times):.1f}" for page in PAGES)
            lines.append(f"- {label}: renders (X-Page-Cache: miss) per story published: {per_story}")
        if shown:
            each = " ".join("-" if s is None else f"{s:.2f}" for s in seen)
            lines.append(
                f"- {label}: headline on the front page after publishing: median {statistics.median(shown):.2f} s, "
                f"max {max(shown):.2f} s, {len(shown)}/{len(seen)} seen within {APPEAR_TIMEOUT:g} s (each: {each})"
            )
        elif seen:
            lines.append(f"- {label}: no headline appeared on the front page within {APPEAR_TIMEOUT:g} s")
        if publishing.poll_errors:
            errors = publishing.poll_errors
            lines.append(f"- {label}: {len(errors)} of the poller's requests for / failed, e.g. {errors[0]}")
        for phase in scenario.phases:
            cpu = phase.server_cpu_seconds / phase.seconds
            wrk_cpu = sum(r.wrk_cpu_seconds for r in phase.results.values()) / phase.seconds
            extra = ""
            if phase.varnish:
                ratio = hit_ratio(phase.varnish)
                extra = f"; Varnish: {_varnish_text(phase.varnish)}, hit ratio {ratio:.2%}" if ratio is not None else ""
            other = (
                ""
                if phase.other_cpu_seconds is None
                else f", other work on the servers' CPU {phase.other_cpu_seconds / phase.seconds:.0%}"
            )
            desk = f", newsdesk {phase.desk_cpu_seconds / phase.seconds:.0%}" if phase.publications else ""
            split = ""
            if len(phase.cpu_by_server) == 2:
                caspian, varnish = (seconds / phase.seconds for seconds in phase.cpu_by_server)
                split = f" (Varnish {varnish:.0%}, `caspian serve` {caspian:.0%})"
            lines.append(
                f"- {label}, {phase.name}: server CPU {cpu:.0%} of a core{split}{desk}{other}, both wrk {wrk_cpu:.0%}"
                + extra
            )
    return lines


def verdict(scenarios, comparisons):
    lines = []
    for scenario in scenarios:
        steady, publishing = scenario.phases
        label = f"{scenario.backend} via {scenario.front}"
        for page in PAGES:
            before, during = steady.results[page], publishing.results[page]
            if before.requests_per_second:
                share = during.requests_per_second / before.requests_per_second
                lines.append(
                    f"{_mark(share >= THROUGHPUT_MIN)} throughput while publishing ≥ {THROUGHPUT_MIN}× steady: "
                    f"{_against(share, THROUGHPUT_MIN)}× ({label}, {page})"
                )
            if during.p99_ms is not None:
                lines.append(
                    f"{_mark(during.p99_ms <= P99_MAX_MS)} p99 while publishing ≤ {P99_MAX_MS:g} ms: "
                    f"{_ms(during.p99_ms)} ms ({label}, {page})"
                )
        seen = [publishing.appeared.get(p.number) for p in publishing.publications]
        if seen:
            missing = sum(s is None for s in seen)
            worst = max((s for s in seen if s is not None), default=None)
            ok = not missing and worst is not None and worst <= APPEAR_MAX_SECONDS
            figure = f"max {worst:.2f} s" if worst is not None else "none seen"
            figure += f", {missing} not seen within {APPEAR_TIMEOUT:g} s" if missing else ""
            lines.append(
                f"{_mark(ok)} newest story on the front page within {APPEAR_MAX_SECONDS:g} s: {figure} ({label})"
            )
        if publishing.varnish:
            ratio = hit_ratio(publishing.varnish)
            if ratio is not None:
                lines.append(
                    f"{_mark(ratio >= HIT_RATIO_MIN)} Varnish hit ratio while publishing ≥ {HIT_RATIO_MIN:.0%}: "
                    f"{_against(ratio * 100, HIT_RATIO_MIN * 100)} % ({scenario.backend})"
                )
    for comparison in comparisons:
        by_label = {label: result for label, result, *_cpu in comparison.rows}
        for label, how in ((VARNISH, "as is: Varnish unzips its copy for each"), (VARNISH_GZIP, "gzipped")):
            nginx = by_label[VERSUS[label]].requests_per_second
            if nginx:
                share = by_label[label].requests_per_second / nginx
                lines.append(
                    f"{_mark(share >= VARNISH_VS_STATIC)} cached article through Varnish ≥ {VARNISH_VS_STATIC}× nginx "
                    f"serving the same bytes ({how}): {_against(share, VARNISH_VS_STATIC)}× ({comparison.backend})"
                )
    return lines


def _against(value, threshold):
    """``value`` to two decimals; a miss that would round up to the target is cut to three (0.7996: 0.799)."""
    text = f"{value:.2f}"
    return f"{int(value * 1000) / 1000:.3f}" if value < threshold and float(text) >= threshold else text


def _mark(passed):
    return "- PASS" if passed else "- FAIL"


def report(bench, facts, options, server_cpus, load_cpus):
    """Print the tables and the verdict; write them as markdown to bench/results/."""
    scenario_numeric = {4, 5, 6, 7}
    comparison_numeric = {2, 3, 4, 5, 6, 7}
    detail_lines = details(bench.scenarios)
    verdict_lines = verdict(bench.scenarios, bench.comparisons)
    print()
    print("\n".join(aligned(SCENARIO_COLUMNS, scenario_rows(bench.scenarios), scenario_numeric)))
    print()
    print("\n".join(detail_lines))
    if bench.comparisons:
        print()
        rows = comparison_rows(bench.comparisons, options.compare)
        print("\n".join(aligned(COMPARISON_COLUMNS, rows, comparison_numeric)))
    print("\nAgainst the targets:")
    print("\n".join(verdict_lines))

    pinning = (
        f"wrk and the front-page poller on CPU {_cpus(load_cpus)}; `caspian serve`, the newsdesk, Varnish and nginx "
        f"on CPU {_cpus(server_cpus)} (taskset); PostgreSQL and Redis not pinned"
        if load_cpus
        else "not pinned: everything shares all CPUs"
    )
    settings = {
        "Load": f"two wrk at once, `wrk -t1 -c{options.connections} --latency` on the lead article and on `/`: "
        f"{options.steady:g} s steady, then {options.publishing:g} s with a story published every "
        f"{options.every:g} s, after a {options.warmup:g} s warm-up; every request with `Accept-Encoding: gzip` "
        f"as browsers send (Caspian does not compress; Varnish sends its gzipped copy); {pinning}",
        "Publishing": "a `caspian manage shell` process started beforehand adds each story as a draft and publishes "
        "it with `save_revision().publish()`; the front page is polled every 50 ms for the new headline",
        "Comparison": f"`{bench.compare_load.describe()}` per URL, the cached article from `caspian serve`, "
        "through Varnish (as is, and with `Accept-Encoding: gzip`) and from nginx as a file",
        "CPU": "server CPU: `caspian serve` (plus Varnish through it), nginx, as a share of one core; other CPU "
        "(other work): what else ran on the servers' CPU meanwhile (PostgreSQL and Redis, not pinned, the kernel, "
        "and any other work on the machine): a large share means the figures are low and noisy",
        "Servers": f"`caspian serve --workers {sites.WORKERS}` (granian); Varnish: deploy/varnish/caspian.vcl via "
        "tests/varnish.py (malloc 64 MB, one thread pool), the newsdesk purging it (CASPIAN_PURGE_URL)",
        "Backends": "; ".join(f"{name}: {text}" for name, text in bench.notes.items()),
    }
    title = f"# Caspian breaking-news benchmark, {facts['date']}, {facts['host']}"
    if options.quick:
        title += " (quick smoke run: too short to quote)"
    text = [
        title,
        "",
        f"- Machine: {facts['cpu']}, {facts['memory']}; {facts['system']}",
        f"- Python {facts['python']}; {facts['software']}",
        f"- Code: {facts['code']}",
        f"- Load average (1 min): {facts['load']}",
        *(f"- {name}: {value}" for name, value in settings.items()),
        "",
        *markdown_table(SCENARIO_COLUMNS, scenario_rows(bench.scenarios), scenario_numeric),
        "",
        *detail_lines,
        "",
    ]
    if bench.comparisons:
        rows = comparison_rows(bench.comparisons, options.compare)
        text += [*markdown_table(COMPARISON_COLUMNS, rows, comparison_numeric), ""]
    text += ["## Against the targets", "", *verdict_lines, ""]
    path = _results_path(options.quick)
    path.write_text("\n".join(text))
    print(f"\nWritten to {path.relative_to(REPO)} (paste into bench/RESULTS.md).")


def _cpus(cpus):
    return ",".join(map(str, cpus))


def _results_path(quick):
    RESULTS.mkdir(exist_ok=True)
    stem = f"{date.today().isoformat()}-{socket.gethostname()}-breaking-news" + ("-quick" if quick else "")
    path, number = RESULTS / f"{stem}.md", 1
    while path.exists():
        number += 1
        path = RESULTS / f"{stem}-{number}.md"
    return path


# --- the command ----------------------------------------------------------------


def main(argv=None):
    """Run the benchmark; return the exit status: 0, 1 after a problem it explained, 130 when interrupted."""
    options = parse_args(argv)
    return exit_status(lambda: _run(options))


def _run(options):
    progress = Progress()
    tools = find_tools(options.install)
    sites.check_services(options.backends, options)
    server_cpus, load_cpus = cpu_split(tools, options.pin)
    facts = machine_facts(tools)
    if options.varnish:
        facts["software"] += f", {_varnish_version()}"
    load_before = check_idle(progress)
    per_backend = 2 * (options.warmup + options.steady + options.publishing + 10)
    if options.varnish:
        per_backend += 5 * (options.warmup + options.compare + 1)
    progress(
        f"{len(options.backends)} backend(s), {options.articles:,} articles; about "
        f"{per_backend / 60 * len(options.backends):.0f} min of measuring plus preparing each site "
        f"(2 to 3 minutes each)"
        + (f"; wrk on CPU {_cpus(load_cpus)}, servers on CPU {_cpus(server_cpus)}" if load_cpus else "")
    )
    bench = Bench(options, tools, server_cpus, load_cpus, progress)
    bench.run()
    facts["load"] = f"{load_before:.1f} before the run, {os.getloadavg()[0]:.1f} after"
    report(bench, facts, options, server_cpus, load_cpus)
    minutes, seconds = divmod(int(progress.elapsed()), 60)
    print(f"\nFinished in {minutes} min {seconds} s.")


if __name__ == "__main__":
    sys.exit(main())
