"""The content API's lists at depth (issue 19): the first page against a page deep in the archive, and 304s.

    .venv/bin/python -m bench.api                          # the demo grown to 20,000 articles, SQLite
    .venv/bin/python -m bench.api --articles 100000        # the issue's size (generating takes a while)
    .venv/bin/python -m bench.api --site ~/caspian-home    # an existing SQLite site (its CASPIAN_HOME)

Builds a scratch site as bench/misses.py does (the demo publication, grown
with `caspian generate-archive`) and serves it with `caspian serve
--workers 2`. Cursors deep in the archive are made by the site itself
(signed with its SECRET_KEY, as a client would get them by following
``next`` thousands of times). Then, one request at a time on new
connections (median of ``--requests`` after 5 not counted):

1. **Uncached** (``CASPIAN_PAGE_CACHE=0``): ``/api/v1/articles/`` at
   ``limit`` 20 and 100, its first page against pages starting 50 % and
   95 % of the way down the archive; the same in one section; one article
   in full; and a ``304`` for ``If-None-Match`` (the answer is still made,
   to compare its ETag).
2. **Cached** (the page cache on): the first page from the page cache, and
   its ``304``.

The verdict: a deep page costs at most 1.5x the first (keyset pagination:
no OFFSET, no COUNT). Results are also written to
bench/results/<date>-<host>-api.md. About a minute of measuring, plus
building the site (2 to 3 minutes for the demo; 20,000 articles add 1 to 2,
100,000 add 5 to 10).
"""

import sys
from pathlib import Path

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
from errors import BenchError, exit_status  # noqa: E402
from processes import log_tail  # noqa: E402
from run import Progress, check_idle  # noqa: E402
from tools import CASPIAN, REPO, Tools, which  # noqa: E402

RESULTS = REPO / "bench" / "results"
WARMUP = 5
DEEP_RATIO = 1.5
DEPTHS = (0.5, 0.95)

# Asked of the site itself: cursors at each depth of the whole archive and of its largest section.
MAKE_CURSORS = """
import json
from django.db.models import Count
from wagtail.models import Site
from caspian.api import cursors
from caspian.api.endpoints import NEWEST_ARTICLES
from caspian.newsroom.models import SectionPage
from caspian.newsroom.querysets import public_articles_of
site = Site.objects.get(is_default_site=True)
articles = public_articles_of(site)
section = max(SectionPage.objects.live().child_of(site.root_page), key=lambda s: articles.in_section(s).count())
def cursors_of(rows):
    count = rows.count()
    found = {{}}
    for depth in {depths}:
        value, pk = rows.newest_first().values_list("first_published_at", "pk")[int(count * depth)]
        found[str(depth)] = cursors.encode(NEWEST_ARTICLES, value, pk)
    return count, found
count, everything = cursors_of(articles)
in_section, by_section = cursors_of(articles.in_section(section))
one = articles.newest_first().values_list("pk", flat=True).first()
print(json.dumps({{"count": count, "cursors": everything, "section": section.slug, "section_count": in_section,
                  "section_cursors": by_section, "article": one}}))
"""


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="python -m bench.api",
        description="The content API's article list: first page against deep cursor pages, and 304s.",
    )
    parser.add_argument("--articles", type=int, default=20_000, help="grow the demo to this many articles (20000)")
    parser.add_argument(
        "--site", type=Path, metavar="DIR",
        help="measure the SQLite site in this CASPIAN_HOME (as `caspian demo` left it) instead of building one",
    )  # fmt: skip
    parser.add_argument("--requests", type=int, default=20, help="requests measured per address (20)")
    return parser.parse_args(argv)


# --- measuring -----------------------------------------------------------------


def get(base, path, headers=None, status=200):
    """One GET on a new connection: ``(ms from connecting to the last byte, response headers)``."""
    where = urllib.parse.urlsplit(base)
    started = time.perf_counter()
    connection = http.client.HTTPConnection(where.hostname, where.port, timeout=60)
    try:
        connection.request("GET", path, headers={"Accept": "application/json", **(headers or {})})
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    elapsed = (time.perf_counter() - started) * 1000
    if response.status != status:
        raise BenchError(f"{base}{path} answered {response.status}, not {status}: {body[:300]!r}")
    return elapsed, {name.lower(): value for name, value in response.getheaders()}


def median_ms(base, path, count, headers=None, status=200):
    for _ in range(WARMUP):
        get(base, path, headers, status)
    return statistics.median(get(base, path, headers, status)[0] for _ in range(count))


def addresses(found):
    """``{name: path}``: each list page measured, first and deep, at both limits."""
    paths = {}
    for limit in (20, 100):
        paths[f"archive, limit {limit}, first page"] = f"/api/v1/articles/?limit={limit}"
        for depth, cursor in found["cursors"].items():
            paths[f"archive, limit {limit}, {float(depth):.0%} deep"] = (
                f"/api/v1/articles/?limit={limit}&cursor={cursor}"
            )
    section = found["section"]
    paths["section, limit 20, first page"] = f"/api/v1/articles/?section={section}&limit=20"
    for depth, cursor in found["section_cursors"].items():
        paths[f"section, limit 20, {float(depth):.0%} deep"] = (
            f"/api/v1/articles/?section={section}&limit=20&cursor={cursor}"
        )
    return paths


def measure(site, found, options, progress):
    figures = {}
    with site.serve("api-uncached", None, {"CASPIAN_PAGE_CACHE": "0"}) as server:
        for name, path in addresses(found).items():
            figures[name] = median_ms(server.base, path, options.requests)
            progress(f"  {name:<32} {figures[name]:7.1f} ms")
        figures["one article in full"] = median_ms(
            server.base, f"/api/v1/articles/{found['article']}/", options.requests
        )
        etag = get(server.base, "/api/v1/articles/?limit=20")[1]["etag"]
        figures["304, uncached"] = median_ms(
            server.base, "/api/v1/articles/?limit=20", options.requests, {"If-None-Match": etag}, 304
        )
        progress(f"  {'304, uncached':<32} {figures['304, uncached']:7.1f} ms")
        _check_log(server)
    with site.serve("api-cached", None) as server:
        path = "/api/v1/articles/?limit=20"
        get(server.base, path)
        _, headers = get(server.base, path)
        if headers.get("x-page-cache") != "hit":
            raise BenchError(f"{path} was not served from the page cache the second time.")
        figures["first page, page cache hit"] = median_ms(server.base, path, options.requests)
        figures["304, page cache hit"] = median_ms(
            server.base, path, options.requests, {"If-None-Match": headers["etag"]}, 304
        )
        progress(f"  {'first page, page cache hit':<32} {figures['first page, page cache hit']:7.1f} ms")
        _check_log(server)
    return figures


def _check_log(server):
    text = server.log_path.read_text(errors="replace")
    if "Traceback" in text:
        raise BenchError(f"The server logged an error while measured.{log_tail(server.log_path, 30)}")


def make_cursors(site):
    done = subprocess.run(
        [str(site.tools.caspian), "manage", "shell", "-v", "0", "-c", MAKE_CURSORS.format(depths=DEPTHS)],
        env=site.env, cwd=site.workdir, capture_output=True, text=True, check=False,
    )  # fmt: skip
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise BenchError(f"Could not make cursors on the site: {done.stderr.strip()[-500:]}")
    return json.loads(lines[-1])


# --- reporting -----------------------------------------------------------------


def table(figures):
    first = {"archive, limit 20": None, "archive, limit 100": None, "section, limit 20": None}
    lines = ["| request | median | against the first page |", "| --- | ---: | ---: |"]
    for name, ms in figures.items():
        group = name.rsplit(",", 1)[0]
        if name.endswith("first page") and group in first:
            first[group] = ms
        base = first.get(group)
        ratio = f"{ms / base:.2f}x" if base and not name.endswith("first page") else ""
        lines.append(f"| {name} | {ms:.1f} ms | {ratio} |")
    return lines


def verdict(figures):
    checks = []
    for name, ms in figures.items():
        if name.endswith("deep"):
            group = name.rsplit(",", 1)[0]
            base = figures[f"{group}, first page"]
            passed = ms <= base * DEEP_RATIO
            checks.append(f"- {'PASS' if passed else 'MISS'} {name}: {ms / base:.2f}x the first page (≤ {DEEP_RATIO}x)")
    return checks


def report(figures, found, facts):
    lines, checks = table(figures), verdict(figures)
    print()
    print("\n".join(lines))
    print("\nAgainst the target:")
    print("\n".join(checks))
    text = "\n".join(
        [
            f"## {date.today().isoformat()}, {facts['cpu']}: `python -m bench.api` (content API, issue 19)",
            "",
            f"{facts['code']}; load average {facts['load']}.",
            f"SQLite site, {found['count']:,} public articles ({found['section_count']:,} in `{found['section']}`), "
            "`caspian serve --workers 2`; median of each address's GETs on new connections after "
            f"{WARMUP} not counted, one at a time; deep cursors made by the site.",
            "",
            *lines,
            "",
            *checks,
            "",
        ]
    )
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{date.today().isoformat()}-{socket.gethostname()}-api.md"
    path.write_text(text)
    print(f"\nWritten to {path.relative_to(REPO)} (paste into bench/RESULTS.md).")


# --- the run ---------------------------------------------------------------------


@contextlib.contextmanager
def the_site(tools, options, progress):
    """The site to measure: ``--site``'s, or a new one grown to ``--articles``."""
    with tempfile.TemporaryDirectory(prefix="caspian-api-") as folder:
        if options.site:
            if not (options.site / "db.sqlite3").is_file():
                raise BenchError(
                    f"{options.site} holds no Caspian site (no db.sqlite3): pass the CASPIAN_HOME of a site made "
                    "with `caspian demo`, or leave --site out to build one."
                )
            site = sites.SqliteSite(tools, Path(folder))
            site.home = options.site.resolve()
            site.env["CASPIAN_HOME"] = str(site.home)
            yield site
            return
        with sites.open_site("sqlite", tools, Path(folder) / "site", options) as site:
            progress("Loading the demo publication (2 to 3 minutes)…")
            count = site.load_demo()
            if options.articles > count:
                progress(f"Growing the archive to {options.articles:,} articles…")
                site.grow_to(options.articles, count)
            yield site


def main(argv=None):
    """Run the benchmark; return the exit status: 0, 1 after a problem it explained, 130 when interrupted."""
    options = parse_args(argv)
    return exit_status(lambda: _run(options))


def _run(options):
    if not CASPIAN.exists():
        raise BenchError(f"{CASPIAN} is missing: run `make install` first.")
    progress = Progress()
    tools = Tools(caspian=CASPIAN, wrk=None, nginx=None, taskset=which("taskset"))
    load_before = check_idle(progress)
    with the_site(tools, options, progress) as site:
        found = make_cursors(site)
        progress(f"Caspian, {found['count']:,} articles:")
        figures = measure(site, found, options, progress)
    facts = {
        "cpu": _cpu(),
        "code": subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True
        ).stdout.strip(),
        "load": f"{load_before:.1f} before the run, {os.getloadavg()[0]:.1f} after",
    }
    report(figures, found, facts)


def _cpu():
    info = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    model = next((line.split(":", 1)[1].strip() for line in info.splitlines() if line.startswith("model name")), "?")
    return f"{model}, {os.cpu_count()} cores"


if __name__ == "__main__":
    sys.exit(main())
