"""Caspian's benchmark: one command, one table.

For each backend (SQLite with the file cache; PostgreSQL + Redis) and each
archive size, builds a scratch site (the demo publication, grown with
`caspian generate-archive`), serves it with `caspian serve --workers 2`
and loads each page with wrk over loopback: an article (from the page
cache, and from a second server with CASPIAN_PAGE_CACHE=0), the home page,
a section, a search, the RSS feed and the sitemap. In the same block nginx
serves the article's exact bytes as a static file, and a trivial WSGI app
on granian serves them from memory (the app server's own ceiling). Every
row is also given as a ratio to the static figure. Then a verdict against the issue's
targets. The table is also written as markdown to bench/results/.

Needs wrk and nginx (installed from Debian when missing, if you are root),
and for the postgres backend PostgreSQL and Redis on 127.0.0.1. Everything
it starts (servers, nginx, the scratch database, temporary folders) is
stopped and removed at the end, also after an error or Ctrl+C.

How long: --quick (200 articles, 3 s per URL) takes 5 to 8 minutes for
both backends, most of it `caspian demo` loading the demo (2 to 3 minutes
per backend). A full run measures for about 9 minutes; with the demo and
generating 100,000 articles per backend it takes 25 to 35 minutes. The run
prints its own estimate first (see bench/README.md).

`--breaking-news` runs the breaking-news benchmark instead (readers on the
lead story and the front page while stories are published, straight and
through Varnish): bench/breaking_news.py, whose options follow it.
"""

import argparse
import os
import re
import socket
import sys
import tempfile
import time
import urllib.error
import urllib.request
from datetime import date
from pathlib import Path

import report
import sites
import wrk
from ceiling import trivial_server
from errors import BenchError, exit_status
from processes import group_cpu_seconds, log_tail, wait_until_idle
from static import static_server
from tools import REPO, cpu_split, find_tools, machine_facts

RESULTS = REPO / "bench" / "results"
FULL = {"sizes": "1000,100000", "duration": 10.0, "warmup": 2.0}
QUICK = {"sizes": "200", "duration": 3.0, "warmup": 1.0}
# Pages measured on the server with the page cache, in table order; the
# article's path is found on the home page, the others follow from it.
PAGES = ("article", "home", "section", "search", "feed", "sitemap")
# A load average above this (over the last minute) means other work is running.
BUSY_LOAD = 0.5
BREAKING_NEWS = "--breaking-news"  # hands the run to bench/breaking_news.py
MEASUREMENTS_PER_BLOCK = len(PAGES) + 3  # plus the uncached article, the static file and the trivial app


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="bench/run.py",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="examples:\n"
        "  .venv/bin/python bench/run.py --quick\n"
        "  .venv/bin/python bench/run.py --backends sqlite --sizes 1000 --duration 5\n"
        "  make bench BENCH_ARGS='--quick'\n"
        "  make bench BENCH_ARGS='--breaking-news --quick'",
    )
    parser.add_argument("--quick", action="store_true", help="smoke run: 200 articles, 3 s per URL, 1 s warm-up")
    parser.add_argument(
        "--breaking-news", action="store_true",
        help="run the breaking-news benchmark instead; the options after it are its own "
        "(python -m bench.breaking_news --help)",
    )  # fmt: skip
    parser.add_argument(
        "--backends", default=",".join(sites.BACKENDS), help="comma-separated, of: sqlite, postgres (default: both)"
    )
    parser.add_argument("--sizes", help=f"archive sizes in articles, comma-separated (default: {FULL['sizes']})")
    parser.add_argument("--duration", type=float, help=f"seconds of load per URL (default: {FULL['duration']:g})")
    parser.add_argument("--warmup", type=float, help=f"seconds of discarded load first (default: {FULL['warmup']:g})")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default: 2)")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections (default: 32)")
    sites.add_server_options(parser)
    options = parser.parse_args(argv)
    defaults = QUICK if options.quick else FULL
    for name, value in defaults.items():
        if getattr(options, name) is None:
            setattr(options, name, value)
    options.backends = _choices(parser, "--backends", options.backends, sites.BACKENDS)
    try:
        options.sizes = sorted({int(size.replace("_", "")) for size in options.sizes.split(",") if size.strip()})
    except ValueError:
        parser.error(f"--sizes {options.sizes!r}: give whole numbers of articles, e.g. --sizes 1000,100000")
    if not options.sizes or options.sizes[0] < 1 or options.duration < 1 or options.warmup < 0:
        parser.error("--sizes must be positive, --duration at least 1 s and --warmup not negative")
    return options


def _choices(parser, flag, text, allowed):
    chosen = [item.strip() for item in text.split(",") if item.strip()]
    wrong = [item for item in chosen if item not in allowed]
    if wrong or not chosen:
        parser.error(f"{flag} {text!r}: choose from {', '.join(allowed)}")
    return list(dict.fromkeys(chosen))


class Progress:
    """Lines telling what the run is doing, each stamped with the time since it started."""

    def __init__(self):
        self.start = time.monotonic()

    def elapsed(self):
        return time.monotonic() - self.start

    def __call__(self, message):
        minutes, seconds = divmod(int(self.elapsed()), 60)
        print(f"[{minutes:2d}:{seconds:02d}] {message}", flush=True)


# --- one run ------------------------------------------------------------------


def main(argv=None):
    """Run the benchmark; return the exit status: 0, 1 after a problem it explained, 130 when interrupted."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if BREAKING_NEWS in argv:
        import breaking_news

        return breaking_news.main([arg for arg in argv if arg != BREAKING_NEWS])
    options = parse_args(argv)
    return exit_status(lambda: _run(options))


def _run(options):
    progress = Progress()
    tools = find_tools(options.install)
    sites.check_services(options.backends, options)
    server_cpus, load_cpus = cpu_split(tools, options.pin)
    load = wrk.Load(options.threads, options.connections, options.duration, load_cpus)
    facts = machine_facts(tools)
    load_before = check_idle(progress)
    _announce_plan(options, server_cpus, load_cpus, progress)
    run = Run(options, tools, load, server_cpus, progress)
    run.measure_all()
    facts["load"] = f"{load_before:.1f} before the run, {os.getloadavg()[0]:.1f} after"
    _report(run.rows, run.notes, facts, options, load, server_cpus, load_cpus)
    minutes, seconds = divmod(int(progress.elapsed()), 60)
    print(f"\nFinished in {minutes} min {seconds} s.")


def check_idle(progress):
    """Warn when other work is using the CPUs: figures would come out low and noisy. Returns the load average."""
    load_average = os.getloadavg()[0]
    if load_average > BUSY_LOAD:
        progress(
            f"Warning: this machine is busy (load average {load_average:.1f} over the last minute): other work "
            "competes for the CPUs, so the figures will be low and noisy. Best run on an otherwise idle machine."
        )
    return load_average


def _announce_plan(options, server_cpus, load_cpus, progress):
    blocks = len(options.backends) * len(options.sizes)
    per_url = options.warmup + options.duration + 1
    minutes = blocks * (MEASUREMENTS_PER_BLOCK * per_url + 20) / 60
    pinning = (
        f"wrk on CPU {_cpu_list(load_cpus)}, servers on CPU {_cpu_list(server_cpus)}"
        if load_cpus
        else "wrk and servers share all CPUs"
    )
    progress(
        f"{len(options.backends)} backend(s) × {len(options.sizes)} size(s) × {MEASUREMENTS_PER_BLOCK} URLs, "
        f"{options.duration:g} s each after {options.warmup:g} s warm-up ({pinning}): about {minutes:.0f} min of "
        "measuring, plus preparing each site."
    )


def _cpu_list(cpus):
    return ",".join(map(str, cpus))


class Run:
    """One benchmark run: builds the sites, measures each (backend, size) block, collects the rows.

    ``notes`` maps a name to a line for the results file (the backends'
    versions, how the content was made).
    """

    def __init__(self, options, tools, load, server_cpus, progress):
        self.options, self.tools, self.load = options, tools, load
        self.server_cpus, self.progress = server_cpus, progress
        self.rows, self.notes = [], {}
        # Per backend, the URLs found on its first (smallest) site, so that
        # every size measures the same pages.
        self.paths = {}

    def measure_all(self):
        """Build each backend's site, grow it through the sizes in turn, and measure each block."""
        can_grow = sites.can_generate_archive(self.tools)
        self.notes["content"] = (
            "the demo publication, grown with `caspian generate-archive`"
            if can_grow
            else "the demo publication only: this Caspian has no `caspian generate-archive` yet"
        )
        with tempfile.TemporaryDirectory(prefix="caspian-bench-") as scratch:
            for backend in self.options.backends:
                with sites.open_site(backend, self.tools, Path(scratch) / backend, self.options) as site:
                    self.progress(f"{backend}: loading the demo publication (2 to 3 minutes)…")
                    articles = site.load_demo()
                    self.progress(f"{backend}: demo loaded, {articles:,} articles")
                    for size in self.options.sizes:
                        articles = self.grow(site, size, articles, can_grow)
                        self.measure_block(site, size, articles)
                    self.notes[backend] = site.describe()

    def grow(self, site, size, articles, can_grow):
        """Grow ``site`` to ``size`` articles when it can; return how many it has."""
        if size <= articles:
            return articles
        if not can_grow:
            self.progress(
                f"{site.backend}: `caspian generate-archive` is missing, so {size:,} articles cannot be reached: "
                f"measuring the demo's {articles:,}"
            )
            return articles
        self.progress(f"{site.backend}: adding {size - articles:,} articles with `caspian generate-archive`…")
        articles = site.grow_to(size, articles)
        self.progress(f"{site.backend}: the site has {articles:,} articles")
        return articles

    def measure_block(self, site, size, articles):
        """Measure one block on an empty cache: the cached pages, the uncached article, the reference servers."""
        site.clear_cache()
        where = f"{site.backend}, {articles:,} articles"

        def row(page, url):
            return report.Row(site.backend, size, articles, page, url)

        self.progress(f"{where}: starting `caspian serve`")
        with site.serve(f"{site.backend}-{size}-cached", self.server_cpus) as server:
            if site.backend not in self.paths:
                self.paths[site.backend] = discover_paths(server)
            paths = self.paths[site.backend]
            for page in PAGES:
                self.measure_page(row(page, server.base + paths[page]), server.process.pid)
            article_html = _fetch_from(server, paths["article"])

        self.progress(f"{where}: starting `caspian serve` with CASPIAN_PAGE_CACHE=0")
        with site.serve(f"{site.backend}-{size}-uncached", self.server_cpus, {"CASPIAN_PAGE_CACHE": "0"}) as server:
            self.measure_page(row(report.UNCACHED, server.base + paths["article"]), server.process.pid)

        self.progress(f"{where}: nginx serving the article's {len(article_html):,} bytes")
        with static_server(article_html, self.tools, self.server_cpus) as (url, nginx):
            self.measure_page(row(report.STATIC, url), nginx.pid)

        self.progress(f"{where}: a trivial WSGI app on granian serving the same bytes")
        with trivial_server(article_html, self.tools, self.server_cpus, sites.WORKERS) as (url, trivial):
            self.measure_page(row(report.CEILING, url), trivial.pid)

    def measure_page(self, row, server_pgid):
        """Check ``row.url`` answers 200, warm it, then load it with wrk; add ``row`` to the results.

        A page that does not answer 200 is not loaded: its row says why.
        ``row.cache`` says whether a repeated request came from the page
        cache (its answer carries ``Age``, as only cache hits do).
        """
        self.rows.append(row)
        try:
            _fetch(row.url)
            _body, headers = _fetch(row.url)
        except (urllib.error.URLError, OSError) as error:
            row.note = f"not measured: {getattr(error, 'code', None) or error}"
            self.progress(f"  {row.page:<20} {row.note}")
            return
        if row.page in report.REFERENCES:
            row.cache = "file" if row.page == report.STATIC else "memory"
        else:
            row.cache = "hit" if "Age" in headers else "miss"
        if self.options.warmup:
            wrk.measure(row.url, self.load, self.tools, seconds=self.options.warmup)
            wait_until_idle(server_pgid)
        before = group_cpu_seconds(server_pgid)
        row.result = wrk.measure(row.url, self.load, self.tools)
        row.server_cpu_seconds = group_cpu_seconds(server_pgid) - before
        wait_until_idle(server_pgid)
        self.progress(f"  {row.page:<20} {_summary(row)}")


def _summary(row):
    result = row.result
    if not result.requests:
        return f"no request answered within the run ({row.cache})"
    errors = f", {result.errors:,} errors" if result.errors else ""
    return (
        f"{result.requests_per_second:>9,.1f} req/s   p50 {result.p50_ms:8.2f} ms   p99 {result.p99_ms:8.2f} ms   "
        f"({row.cache}{errors})"
    )


def discover_paths(server):
    """The path of each page in :data:`PAGES`, found from the site's home page.

    The article is the first one the home page links to; the section is
    the one that article sits in; the search looks for the longest word of
    its slug.
    """
    home = _fetch_from(server, "/").decode("utf-8", "replace")
    match = re.search(r'href="(?:https?://[^/"]+)?(/[\w-]+/\d{4}/[\w-]+/)"', home)
    if not match:
        raise BenchError(f"No article link on the home page {server.base}/: did `caspian demo --no-serve` work?")
    article = match.group(1)
    slug_words = [word for word in article.rstrip("/").rsplit("/", 1)[-1].split("-") if word.isalpha()]
    word = max(slug_words, key=len, default="caspian")
    return {
        "article": article,
        "home": "/",
        "section": "/" + article.split("/")[1] + "/",
        "search": f"/search/?q={word}",
        "feed": "/feeds/rss.xml",
        "sitemap": "/sitemap.xml",
    }


def _fetch(url):
    """GET ``url``; return ``(body, headers)``. Raises ``urllib.error.HTTPError`` for anything but 2xx."""
    with urllib.request.urlopen(url, timeout=60) as response:
        return response.read(), response.headers


def _fetch_from(server, path):
    """The body of ``path`` on ``server``; :class:`BenchError` with the server's log when it fails."""
    try:
        return _fetch(server.base + path)[0]
    except (urllib.error.URLError, OSError) as error:
        raise BenchError(f"{server.base}{path} failed ({error}).{log_tail(server.log_path)}") from None


# --- the report ----------------------------------------------------------------


def _report(rows, notes, facts, options, load, server_cpus, load_cpus):
    """Print the table and the verdict, and write them as markdown to bench/results/."""
    pinning = (
        f"wrk pinned to CPU {_cpu_list(load_cpus)}, the servers (granian, nginx) to CPU {_cpu_list(server_cpus)} "
        "with taskset; PostgreSQL and Redis not pinned"
        if load_cpus
        else "not pinned: wrk and the servers share all CPUs"
    )
    settings = {
        "Load": f"{load.describe()} on loopback, each URL after a {options.warmup:g} s warm-up; {pinning}",
        "Servers": f"`caspian serve --workers {sites.WORKERS}` (granian); the uncached article from a second "
        "server with CASPIAN_PAGE_CACHE=0",
        "Static figure": "nginx serving the article's exact bytes as a file, measured once per backend and size "
        "(its own row); × static divides each row's req/s by it",
        "Backends": "; ".join(f"{backend}: {notes[backend]}" for backend in options.backends if backend in notes),
        "Content": notes["content"],
        "CPU columns": "CPU time used while measuring, as a share of one core (server: granian's or nginx's "
        "processes, the database servers not counted)",
    }
    verdict_lines = report.verdict(rows)
    print()
    print("\n".join(report.plain_table(rows, options.duration)))
    print("\nAgainst the targets:")
    print("\n".join(verdict_lines))
    text = report.markdown_report(rows, facts, settings, verdict_lines, options.duration, options.quick)
    path = _results_path(options.quick)
    path.write_text(text)
    print(f"\nWritten to {path.relative_to(REPO)} (paste into bench/RESULTS.md).")


def _results_path(quick):
    """bench/results/<date>-<host>[-quick].md, numbered -2, -3… when that name is taken."""
    RESULTS.mkdir(exist_ok=True)
    stem = f"{date.today().isoformat()}-{socket.gethostname()}" + ("-quick" if quick else "")
    path, number = RESULTS / f"{stem}.md", 1
    while path.exists():
        number += 1
        path = RESULTS / f"{stem}-{number}.md"
    return path


if __name__ == "__main__":
    sys.exit(main())
