"""The WordPress import benchmark: how many posts a second the importer brings over.

    make bench-import                                    # 10,000 posts into SQLite
    .venv/bin/python -m bench.import_wordpress --posts 1000
    .venv/bin/python -m bench.import_wordpress --backend postgres

It writes a generated export (``bench.wxr_export``: posts in every status,
threaded comments, pages, one image per 20 posts in a media folder) into a
temporary folder, creates a fresh scratch site there (the migrations of
``caspian setup``; SQLite by default, or a scratch PostgreSQL database
``caspian_import_<pid>`` that is dropped afterwards), then imports the
export as ``caspian import-wordpress EXPORT --media-dir DIR`` does, with its
progress, and imports it a second time (nothing changed: everything is
found again, nothing written). It prints posts/s for both, against the
target of 200 posts/s on SQLite for 10,000 posts (issue #6). Everything
it made is removed at the end, also after an error or Ctrl+C.

Run it on an otherwise idle machine: it warns when the load average is
above 0.5, as ``bench/run.py`` does.
"""

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

TARGET_POSTS_PER_SECOND = 200
DEFAULT_POSTS = 10_000
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432"
# Settings from the caller's shell that would make the run measure something else.
INHERITED_SETTINGS = ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_SETTINGS_MODULE")


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m bench.import_wordpress",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--posts", type=int, default=DEFAULT_POSTS, help="posts in the export (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=2026, help="the export's random seed (default: %(default)s)")
    parser.add_argument(
        "--backend", choices=("sqlite", "postgres"), default="sqlite", help="database (default: %(default)s)"
    )
    parser.add_argument(
        "--postgres", default=DEFAULT_POSTGRES, help="PostgreSQL server for --backend postgres (default: %(default)s)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (export, media, SQLite file)")
    options = parser.parse_args(argv)
    if options.posts < 1:
        parser.error("--posts must be at least 1")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    if load > 0.5:
        print(f"Warning: the load average is {load:.2f}: other work on the CPUs makes the figure low and noisy.")
    folder = Path(tempfile.mkdtemp(prefix="caspian-import-bench-"))
    database = None
    try:
        database = _prepare_environment(folder, options)
        return _run(folder, options)
    except KeyboardInterrupt:
        print("\nInterrupted.")
        return 130
    finally:
        _close_django()
        if database:
            _drop_database(options.postgres, database)
        if options.keep:
            print(f"Kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


def _prepare_environment(folder, options):
    """Point Caspian's settings at a scratch site in ``folder``; returns the scratch database's name, if any."""
    for name in list(os.environ):
        if name.startswith("CASPIAN_") or name in INHERITED_SETTINGS:
            del os.environ[name]
    os.environ.update(
        CASPIAN_HOME=str(folder / "home"),
        CASPIAN_WEATHER_BACKEND="caspian.masthead.weather.dummy.SampleBackend",
        DJANGO_SETTINGS_MODULE="caspian.settings",
    )
    if options.backend != "postgres":
        return None
    database = f"caspian_import_{os.getpid()}"
    with _admin_connection(options.postgres) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{database}"')
        connection.execute(f'CREATE DATABASE "{database}"')
    os.environ["DATABASE_URL"] = f"{options.postgres.rstrip('/')}/{database}"
    return database


def _run(folder, options):
    import django

    django.setup()
    import logging

    from django.core.management import call_command

    from bench.wxr_export import write_export
    from caspian.wordpress.importer import import_export

    logging.getLogger("wagtail").setLevel(logging.WARNING)
    backend = "PostgreSQL" if options.backend == "postgres" else "SQLite"
    print(f"Import benchmark: {options.posts:,} posts into a fresh {backend} site ({folder})")

    started = time.perf_counter()
    export, media = folder / "export.xml", folder / "uploads"
    written = write_export(export, options.posts, seed=options.seed, media_dir=media)
    size = export.stat().st_size / 1e6
    print(
        f"  export: {size:,.1f} MB, {written.items:,} items, {len(written.images):,} images "
        f"({time.perf_counter() - started:.0f} s)"
    )
    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    print(f"  site created ({time.perf_counter() - started:.0f} s)")

    first = import_export(export, media_dir=media, progress=_Progress("  importing"))
    _report("first import", first)
    again = import_export(export, media_dir=media, progress=_Progress("  importing again"))
    _report("again, nothing changed", again)
    rate = first.posts_per_second
    if options.backend == "sqlite" and options.posts >= DEFAULT_POSTS:
        verdict = "met" if rate >= TARGET_POSTS_PER_SECOND else "NOT met"
        target = f"≥ {TARGET_POSTS_PER_SECOND} posts/s on SQLite for {DEFAULT_POSTS:,} posts"
        print(f"Target {target}: {verdict} ({rate:,.0f} posts/s)")
    return 0


class _Progress:
    """Prints how far the import has got, on one line rewritten in place."""

    def __init__(self, label):
        self.label = label
        self.shown = None

    def __call__(self, stage, done, total, summary):
        share = f"{done / total:4.0%}" if total else f"{done / 1e6:,.0f} MB"
        line = f"{self.label}: {stage.lower():<13} {share}  {summary.count('posts'):,} posts"
        if line != self.shown:
            print(f"\r{line}", end="", flush=True)
            self.shown = line
        if total and done >= total and stage != "Reading media":
            print()


def _report(label, summary):
    counts = ", ".join(
        f"{summary.counts['posts'][outcome]:,} {outcome}" for outcome in ("imported", "updated", "unchanged")
    )
    print(f"  {label}: {summary.seconds:.1f} s, {summary.posts_per_second:,.0f} posts/s ({counts})")


def _close_django():
    from django.apps import apps

    if apps.ready:
        from django.db import connections

        connections.close_all()


def _admin_connection(server_url):
    import psycopg

    return psycopg.connect(f"{server_url.rstrip('/')}/postgres", autocommit=True, connect_timeout=5)


def _drop_database(server_url, database):
    with _admin_connection(server_url) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


if __name__ == "__main__":
    sys.exit(main())
