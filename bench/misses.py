"""Uncached reader pages (issue #18): one at a time and under load, beside a real WordPress.

    .venv/bin/python -m bench.misses                        # the demo grown to 1,000 articles, SQLite
    .venv/bin/python -m bench.misses --articles 100000      # the listings target: every page at 100,000
    .venv/bin/python -m bench.misses --site ~/caspian-home  # an existing SQLite site (its CASPIAN_HOME)

Builds a scratch site as bench/run.py does (the demo publication, grown
with `caspian generate-archive`) and serves it with `caspian serve
--workers 2` and ``CASPIAN_PAGE_CACHE=0``, so every request is a miss: no
page is kept whole. (Fragments are: the cached parts a miss puts together.)
Not pinned: the server, and WordPress after it, get both cores, as in the
issue's measurement. Then:

1. **One at a time**: for every kind of reader page (article, home,
   section, year, author, tag, topic, live blog, search, RSS feed, sitemap
   page) the median of 20 requests, each on a new connection, after 5 not
   counted;
2. **The long tail**: 40 other articles, each asked for once (a crawler's
   walk: what they share is cached, what is theirs alone is not);
3. **Under load**: the article with ``wrk -t2 -c16`` for 10 s after a 2 s
   warm-up.

WordPress: when ``../shared/anchors/wordpress/`` is beside the repository,
its site (WordPress 6.1, PHP 8.2 with opcache, MariaDB, no page cache, on
127.0.0.1:8081; started with its ``setup.sh`` when it does not answer) is
measured right after Caspian the same way: its post page one at a time and
under the same wrk load. The ratio Caspian / WordPress is printed; without
the anchor the run says so and prints Caspian's figures alone.

The verdict: article ≤ 10 ms one at a time and ≥ 5× WordPress's req/s;
every other page ≤ 15 ms (the issue sets that at 100,000 articles). The
results are also written to bench/results/<date>-<host>-misses.md. About
3 minutes of measuring, plus building the site (2 to 3 minutes for the
demo; 100,000 articles add 5 to 10).
"""

import sys
from pathlib import Path

# The benchmark's modules import each other by plain name (bench/run.py runs
# as a script): make that work under `python -m bench.misses` too.
BENCH = Path(__file__).resolve().parent
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

import argparse  # noqa: E402
import contextlib  # noqa: E402
import http.client  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import socket  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import urllib.parse  # noqa: E402
from datetime import date  # noqa: E402

import sites  # noqa: E402
import wrk  # noqa: E402
from errors import BenchError, exit_status  # noqa: E402
from processes import log_tail, run_step  # noqa: E402
from run import Progress, check_idle, discover_paths  # noqa: E402
from tools import REPO, find_tools, machine_facts  # noqa: E402

RESULTS = REPO / "bench" / "results"
ANCHOR = REPO.parent / "shared" / "anchors" / "wordpress"
WORDPRESS = "http://127.0.0.1:8081"
SERIAL_REQUESTS, SERIAL_WARMUP, LONG_TAIL = 20, 5, 40
LOAD = {"threads": 2, "connections": 16, "seconds": 10.0, "warmup": 2.0}
ARTICLE_MS, OTHER_MS, TIMES_WORDPRESS = 10.0, 15.0, 5.0

# Asked of the site itself: one address per kind of page, and the long tail.
FIND_PAGES = """
import json, random
from taggit.models import Tag
from caspian.newsroom import models as m
def first(model):
    page = model.objects.live().public().order_by("path").first()
    return page.url if page else None
live = m.ArticlePage.objects.live().public()
tagged = m.ArticleTag.objects.filter(content_object__in=live).values("tag_id")
tag = Tag.objects.filter(pk__in=tagged).order_by("slug").first()
ids = list(live.exclude(pk__in=m.LiveBlogPage.objects.values("pk")).values_list("pk", flat=True))
random.Random(18).shuffle(ids)
tail = [page.url for page in m.ArticlePage.objects.filter(pk__in=ids[:{tail}])]
print(json.dumps({{
    "section": first(m.SectionPage), "year": first(m.ArchiveYearPage), "author": first(m.AuthorPage),
    "topic": first(m.TopicPage), "live blog": first(m.LiveBlogPage),
    "tag": f"/tags/{{tag.slug}}/" if tag else None, "tail": tail,
}}))
"""


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="python -m bench.misses",
        description="Uncached reader pages one at a time and under load, beside an uncached WordPress post page.",
    )
    parser.add_argument("--articles", type=int, default=1000, help="grow the demo to this many articles (1000)")
    parser.add_argument(
        "--site", type=Path, metavar="DIR",
        help="measure the SQLite site in this CASPIAN_HOME (as `caspian demo` left it) instead of building one",
    )  # fmt: skip
    parser.add_argument("--no-wordpress", dest="wordpress", action="store_false", help="leave WordPress out")
    parser.add_argument("--seconds", type=float, default=LOAD["seconds"], help="wrk's duration per page (10)")
    parser.add_argument("--no-install", dest="install", action="store_false", help="never run apt-get")
    return parser.parse_args(argv)


# --- measuring -----------------------------------------------------------------


def one_at_a_time(base, path, count=SERIAL_REQUESTS, warmup=SERIAL_WARMUP):
    """Milliseconds per request for ``count`` GETs of ``path``, each on a new connection, after ``warmup``."""
    for _ in range(warmup):
        _get(base, path)
    return [_get(base, path) for _ in range(count)]


def _get(base, path):
    """One GET on a new connection; its time in ms, from connecting to the last byte. Non-200 raises."""
    where = urllib.parse.urlsplit(base)
    started = time.perf_counter()
    connection = http.client.HTTPConnection(where.hostname, where.port, timeout=60)
    try:
        connection.request("GET", path, headers={"Accept": "text/html"})
        response = connection.getresponse()
        response.read()
    finally:
        connection.close()
    elapsed = (time.perf_counter() - started) * 1000
    if response.status != 200:
        raise BenchError(f"{base}{path} answered {response.status}, not 200.")
    return elapsed


def under_load(url, tools, seconds):
    """wrk on ``url`` (not pinned) after a warm-up that is not counted; the :class:`wrk.Result`."""
    load = wrk.Load(LOAD["threads"], LOAD["connections"], seconds, None)
    wrk.measure(url, load, tools, seconds=LOAD["warmup"])
    return wrk.measure(url, load, tools)


class Figures:
    """What was measured of one server: ms lists per page, the long tail, wrk results per page."""

    def __init__(self, name):
        self.name = name
        self.serial = {}
        self.loaded = {}
        self.tail = []
        self.paths = {}


def measure_caspian(site, tools, options, progress):
    with site.serve("uncached", None, {"CASPIAN_PAGE_CACHE": "0"}) as server:
        paths = find_paths(site, server)
        figures = Figures("Caspian")
        figures.paths = paths
        for page, path in paths.items():
            if page != "tail":
                figures.serial[page] = one_at_a_time(server.base, path)
                progress(f"  {page:<12} {statistics.median(figures.serial[page]):7.1f} ms one at a time  {path}")
        figures.tail = [_get(server.base, path) for path in paths["tail"]]
        progress(f"  long tail    {statistics.median(figures.tail):7.1f} ms ({len(figures.tail)} articles, once each)")
        figures.loaded["article"] = under_load(server.base + paths["article"], tools, options.seconds)
        progress(f"  article      {figures.loaded['article'].requests_per_second:7.1f} req/s under load")
        _check_log(server)
    return figures


def find_paths(site, server):
    """The address of each kind of page on the site, and the long tail's (see :data:`FIND_PAGES`)."""
    done = subprocess.run(
        [str(site.tools.caspian), "manage", "shell", "-v", "0", "-c", FIND_PAGES.format(tail=LONG_TAIL)],
        env=site.env, cwd=site.workdir, capture_output=True, text=True, check=False,
    )  # fmt: skip
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise BenchError(f"Could not list the site's pages: {done.stderr.strip()[-500:]}")
    found = json.loads(lines[-1])
    article = discover_paths(server)["article"]  # the lead article, as bench/run.py measures
    word = max((w for w in article.rstrip("/").rsplit("/", 1)[-1].split("-") if w.isalpha()), key=len)
    paths = {"article": article, "home": "/"}
    paths |= {page: found[page] for page in ("section", "year", "author", "tag", "topic", "live blog")}
    paths |= {"search": f"/search/?q={word}", "feed": "/feeds/rss.xml", "sitemap page": "/sitemap-articles.xml"}
    missing = [page for page, path in paths.items() if not path]
    if missing:
        raise BenchError(f"The site has no {', '.join(missing)} page: did `caspian demo --no-serve` work?")
    paths["tail"] = [path for path in found["tail"] if path != article]
    return paths


def _check_log(server):
    text = server.log_path.read_text(errors="replace")
    if "Traceback" in text:
        raise BenchError(f"The server logged an error while measured.{log_tail(server.log_path, 30)}")


# --- WordPress -------------------------------------------------------------------


@contextlib.contextmanager
def wordpress(progress):
    """The anchor's post page address for the block, or ``None`` (with the reason) when it cannot be had.

    Starts the anchor with its ``setup.sh`` when it does not answer (which
    installs its Debian packages the first time) and stops what it started
    afterwards; one that was already running is left running.
    """
    if not (ANCHOR / "setup.sh").exists():
        yield None, f"absent: no {ANCHOR} beside the repository"
        return
    started = not _answers(WORDPRESS + "/")
    if started:
        progress(f"Starting the WordPress anchor ({ANCHOR}/setup.sh; the first time it installs packages)…")
        run_step(["bash", str(ANCHOR / "setup.sh")], os.environ.copy(), ANCHOR, relay=False)
    try:
        done = subprocess.run(
            ["php", str(ANCHOR / "wpa.php"), "post-url"], capture_output=True, text=True, check=False, cwd=ANCHOR
        )
        url = done.stdout.strip()
        if done.returncode != 0 or not url.startswith(WORDPRESS):
            yield None, f"its wpa.php gave no post address ({done.stderr.strip()[-200:]})"
        else:
            yield url, None
    finally:
        if started:
            subprocess.run(["bash", str(ANCHOR / "setup.sh"), "stop"], capture_output=True, check=False)


def measure_wordpress(url, tools, options, progress):
    parts = urllib.parse.urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    figures = Figures("WordPress")
    figures.paths = {"article": path}
    figures.serial["article"] = one_at_a_time(WORDPRESS, path)
    progress(f"  post page    {statistics.median(figures.serial['article']):7.1f} ms one at a time  {path}")
    figures.loaded["article"] = under_load(url, tools, options.seconds)
    progress(f"  post page    {figures.loaded['article'].requests_per_second:7.1f} req/s under load")
    return figures


def _answers(url):
    try:
        return _get(url.rsplit("/", 1)[0] or url, "/") > 0
    except (OSError, BenchError):
        return False


# --- the report ------------------------------------------------------------------


def table(caspian, wordpress_figures):
    """Rows of the table: page, ms one at a time (median, p90 of the 20), req/s under load, × WordPress."""
    lines = ["| page | one at a time, median | p90 | req/s under load | × WordPress |", "|---|---:|---:|---:|---:|"]
    wp = wordpress_figures.loaded["article"].requests_per_second if wordpress_figures else None
    for page, samples in caspian.serial.items():
        loaded = caspian.loaded.get(page)
        rps = f"{loaded.requests_per_second:,.1f}" if loaded else ""
        times = f"{loaded.requests_per_second / wp:.1f}×" if loaded and wp else ""
        lines.append(f"| {page} | {_ms(statistics.median(samples))} | {_ms(_p90(samples))} | {rps} | {times} |")
    tail = caspian.tail
    lines.append(
        f"| long tail ({len(tail)} articles, once each) | {_ms(statistics.median(tail))} | {_ms(_p90(tail))} | | |"
    )
    if wordpress_figures:
        samples, loaded = wordpress_figures.serial["article"], wordpress_figures.loaded["article"]
        lines.append(
            f"| WordPress post page | {_ms(statistics.median(samples))} | {_ms(_p90(samples))} | "
            f"{loaded.requests_per_second:,.1f} | 1.0× |"
        )
    return lines


def verdict(caspian, wordpress_figures, articles):
    article_ms = statistics.median(caspian.serial["article"])
    lines = [
        f"- {_mark(article_ms <= ARTICLE_MS)} article one at a time: {article_ms:.1f} ms (target ≤ {ARTICLE_MS:g})"
    ]
    if wordpress_figures:
        ratio = caspian.loaded["article"].requests_per_second / wordpress_figures.loaded["article"].requests_per_second
        lines.append(f"- {_mark(ratio >= TIMES_WORDPRESS)} article under load: {ratio:.1f}× WordPress (target ≥ 5×)")
    else:
        lines.append("- (no WordPress in this run: the ratio target is not checked)")
    slow = {
        page: statistics.median(samples) for page, samples in caspian.serial.items() if page != "article"
    }  # fmt: skip
    over = {page: ms for page, ms in slow.items() if ms > OTHER_MS}
    where = f" at {articles:,} articles" + ("" if articles >= 100_000 else " (the target is set at 100,000)")
    lines.append(
        f"- {_mark(not over)} every other page ≤ {OTHER_MS:g} ms one at a time{where}"
        + (": over it: " + ", ".join(f"{page} {ms:.1f} ms" for page, ms in over.items()) if over else "")
    )
    return lines


def _p90(samples):
    return statistics.quantiles(samples, n=10)[-1] if len(samples) > 1 else samples[0]


def _ms(value):
    return f"{value:.1f} ms"


def _mark(passed):
    return "PASS" if passed else "MISS"


def report(caspian, wordpress_figures, wordpress_note, facts, options, articles):
    lines = table(caspian, wordpress_figures)
    checks = verdict(caspian, wordpress_figures, articles)
    print()
    print("\n".join(lines))
    if wordpress_note:
        print(f"\nWordPress anchor: {wordpress_note}.")
    print("\nAgainst the targets:")
    print("\n".join(checks))
    text = "\n".join(
        [
            f"## {date.today().isoformat()}, {facts['cpu']}: `python -m bench.misses` (uncached pages, issue #18)",
            "",
            f"{facts['code']}; {facts['software']}; load average {facts['load']}.",
            f"SQLite site, {articles:,} articles, `caspian serve --workers 2` with CASPIAN_PAGE_CACHE=0; "
            f"one at a time: median of {SERIAL_REQUESTS} GETs on new connections after {SERIAL_WARMUP}; under load: "
            f"wrk -t{LOAD['threads']} -c{LOAD['connections']} -d{options.seconds:g}s after {LOAD['warmup']:g} s; "
            "not pinned (both servers on both cores)."
            + (f" WordPress anchor: {wordpress_note}." if wordpress_note else ""),
            "",
            *lines,
            "",
            *checks,
            "",
        ]
    )
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{date.today().isoformat()}-{socket.gethostname()}-misses.md"
    path.write_text(text)
    print(f"\nWritten to {path.relative_to(REPO)} (paste into bench/RESULTS.md).")


# --- the run ---------------------------------------------------------------------


@contextlib.contextmanager
def the_site(tools, options, progress):
    """The site to measure and its article count: ``--site``'s, or a new one grown to ``--articles``."""
    with tempfile.TemporaryDirectory(prefix="caspian-misses-") as folder:
        if options.site:
            if not (options.site / "db.sqlite3").is_file():
                raise BenchError(
                    f"{options.site} holds no Caspian site (no db.sqlite3): pass the CASPIAN_HOME of a site made "
                    "with `caspian demo`, or leave --site out to build one."
                )
            site = sites.SqliteSite(tools, Path(folder))
            site.home = options.site.resolve()
            site.env["CASPIAN_HOME"] = str(site.home)
            yield site, site.count_articles()
            return
        with sites.open_site("sqlite", tools, Path(folder) / "site", options) as site:
            progress("Loading the demo publication (2 to 3 minutes)…")
            count = site.load_demo()
            if options.articles > count:
                progress(f"Growing the archive to {options.articles:,} articles…")
                count = site.grow_to(options.articles, count)
            yield site, count


def main(argv=None):
    """Run the benchmark; return the exit status: 0, 1 after a problem it explained, 130 when interrupted."""
    options = parse_args(argv)
    return exit_status(lambda: _run(options))


def _run(options):
    progress = Progress()
    tools = find_tools(options.install)
    facts = machine_facts(tools)
    load_before = check_idle(progress)
    with the_site(tools, options, progress) as (site, articles):
        progress(f"Caspian, {articles:,} articles, every page uncached:")
        caspian = measure_caspian(site, tools, options, progress)
    wordpress_figures, note = None, "left out (--no-wordpress)"
    if options.wordpress:
        with wordpress(progress) as (url, note):
            if url:
                progress("WordPress 6.1, no page cache:")
                wordpress_figures = measure_wordpress(url, tools, options, progress)
    facts["load"] = f"{load_before:.1f} before the run, {os.getloadavg()[0]:.1f} after"
    report(caspian, wordpress_figures, note, facts, options, articles)


if __name__ == "__main__":
    sys.exit(main())
