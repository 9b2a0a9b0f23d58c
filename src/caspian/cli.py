"""``caspian``: run a Caspian site.

Every subcommand configures Django from the environment (see
docs/settings.md) before doing its work. Errors a user can fix end the
command with one line saying what to do and a non-zero exit status.
"""

import logging
import os
import secrets
import socket
import sys
from pathlib import Path
from urllib.parse import urlsplit

import click

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
# `caspian generate-archive`'s defaults live here, not in caspian.demo.archive:
# that module needs Django set up, and --help must not.
ARCHIVE_SEED = 2026
ARCHIVE_MAX_ARTICLES = 1_000_000
# How many missing files, non-public posts and notes `caspian import-wordpress` lists before "… and N more".
IMPORT_LIST_LIMIT = 20


def setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caspian.settings")
    import django
    from django.core.exceptions import ImproperlyConfigured

    try:
        django.setup()
    except ImproperlyConfigured as error:
        raise click.ClickException(f"Configuration problem: {error}") from error


def default_workers():
    """One worker process per CPU, at least two, so one slow request never blocks the site."""
    return max(2, os.cpu_count() or 1)


host_option = click.option("--host", default=DEFAULT_HOST, show_default=True, help="Address to listen on.")
port_option = click.option(
    "--port", default=DEFAULT_PORT, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on."
)
workers_option = click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=None,
    help="Worker processes for the web server.  [default: one per CPU, at least 2]",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="caspian")
def main():
    """Caspian: a newsroom publishing platform.

    Start with `caspian demo` for a working site with sample content.
    Configuration comes from environment variables: see docs/settings.md.
    """


@main.command()
@host_option
@port_option
@workers_option
@click.option("--no-serve", is_flag=True, help="Prepare the database and content, then exit without serving.")
def demo(host, port, workers, no_serve):
    """Set up The Caspian Times demo and serve it.

    Creates or upgrades the database, loads the demo publication (only
    once: running it again keeps your changes), makes an admin account if
    there is none and one login per newsroom role (contributor, reporter,
    editor, moderator; passwords shown once), and serves the site as `caspian serve` does: scheduled
    pages are published and unpublished on time with no worker to start.
    """
    _use_sample_weather_if_offline()
    setup_django()
    _prepare_database()
    _load_demo()
    _ensure_admin()
    _ensure_demo_staff()
    url = f"http://{host}:{port}"
    click.echo(f"\nThe Caspian Times: {url}/\nAdmin:             {url}/admin/")
    _two_factor_notice(port)
    if not no_serve:
        _serve(host, port, workers)


@main.command()
@host_option
@port_option
@workers_option
def serve(host, port, workers):
    """Serve an existing site with a production web server (granian).

    Run `caspian setup` first (and after every upgrade) so the database
    matches the code. One worker process per CPU (at least two), an access
    log line per request on standard output, and /healthz for the load
    balancer (200 when the database and cache answer). After a deploy,
    `kill -HUP <pid of caspian serve>` replaces the workers one by one
    while the others keep serving; Ctrl+C or SIGTERM lets requests in
    flight finish (up to 30 s) before stopping.

    With the default CASPIAN_TASKS_BACKEND=immediate, the server's main
    process (not each worker) also runs the scheduler: every 30 s
    (CASPIAN_SCHEDULER_SECONDS) it publishes and unpublishes the pages
    whose scheduled publication or expiry time has come, asks for a new
    weather reading when the last is stale, and hourly does the
    housekeeping. With CASPIAN_TASKS_BACKEND=database, `caspian worker`
    does all that instead.
    """
    setup_django()
    _check_database_ready()
    _serve(host, port, workers)


@main.command()
def setup():
    """Create or upgrade the database and collect static files.

    Safe to run on every deploy: it only applies what is missing.
    """
    setup_django()
    _prepare_database()
    click.echo("Database and static files are up to date.")


@main.command()
@click.option("--username", default="admin", show_default=True, help="Login name for the new account.")
@click.option("--email", default="", help="Email address for the new account.")
@click.option(
    "--password",
    envvar="CASPIAN_ADMIN_PASSWORD",
    default=None,
    help="Password (or set CASPIAN_ADMIN_PASSWORD). Without one, a strong password is generated and printed once.",
)
def createadmin(username, email, password):
    """Create an administrator account for the Wagtail admin."""
    setup_django()
    from django.contrib.auth import get_user_model

    User = get_user_model()
    if User.objects.filter(username=username).exists():
        raise click.ClickException(f"A user called {username!r} already exists: choose another --username.")
    generated = password is None
    password = password or secrets.token_urlsafe(12)
    User.objects.create_superuser(username=username, email=email, password=password)
    click.echo(f"Created admin user {username!r}.")
    if generated:
        click.echo(f"Password: {password}  (shown only now: keep it somewhere safe)")


@main.command()
@click.option("--queue", "queue_name", default="default", show_default=True, help="Task queue to work on.")
@click.option(
    "--batch",
    is_flag=True,
    help="Do one round of the scheduled jobs (publishing, weather, the housekeeping if an hour has passed), "
    "run the tasks waiting now, then exit (for cron or tests).",
)
def worker(queue_name, batch):
    """Run the background work for production: scheduled publishing,
    search indexing, image sizes, weather, spam checks, emails, webhook
    deliveries to partners (retried until they succeed), and hourly
    housekeeping (forgetting old commenters' IP addresses).

    Every 30 s (CASPIAN_SCHEDULER_SECONDS) it publishes and unpublishes
    the pages whose scheduled publication or expiry time has come
    (Wagtail's scheduled publishing), so they go live or come down within
    a minute, and asks for a new weather reading when the last is stale.
    Run one worker per machine, or more: a scheduling pass runs on one
    worker at a time, so nothing is published twice. No cron is needed.

    Needs CASPIAN_TASKS_BACKEND=database. With the default 'immediate'
    backend tasks run inline and `caspian serve` does the scheduling
    itself, so no worker is needed.
    """
    setup_django()
    from django.conf import settings
    from django.core.management import call_command

    if settings.TASKS_BACKEND != "database":
        raise click.ClickException(
            "Tasks run inline (CASPIAN_TASKS_BACKEND=immediate) and `caspian serve` publishes on schedule, "
            "so there is nothing for a worker to do. "
            "Set CASPIAN_TASKS_BACKEND=database to queue them for `caspian worker`."
        )
    _check_database_ready()
    from .background import Scheduler

    scheduler = Scheduler()
    options = {"queue_name": queue_name}
    if batch:
        options["batch"] = True
        scheduler.step()
    else:
        scheduler.start()
    try:
        call_command("db_worker", **options)
    finally:
        scheduler.stop()


@main.command("generate-archive")
@click.argument("count", type=click.IntRange(1, ARCHIVE_MAX_ARTICLES))
@click.option(
    "--seed",
    type=int,
    default=ARCHIVE_SEED,
    show_default=True,
    help="Seed for the text, dates, sections, bylines and tags: the same seed on the same site, the same articles.",
)
@click.option(
    "--years",
    type=click.IntRange(1, 50),
    default=10,
    show_default=True,
    help="Spread the publication dates over this many years, the newest just before now.",
)
@click.option(
    "--lead-images/--no-lead-images",
    default=True,
    show_default=True,
    help="Reuse the lead images (and alt text) already on the site, so listings cost what real ones do.",
)
@click.option(
    "--search-index/--no-search-index",
    default=True,
    show_default=True,
    help="Add the articles to the search index as they are written (without it: `caspian manage update_index`).",
)
def generate_archive(count, seed, years, lead_images, search_index):
    """Add COUNT generated articles in bulk, for benchmarks.

    Run it on a site with a home page and sections, such as the demo
    (`caspian demo --no-serve`). The articles are published in the
    sections' year folders, dated over the last --years years, bylined by
    the site's authors (a few are made if there are none) and tagged from
    a pool of a few hundred tags. They are written all or nothing, in
    bulk: 100,000 take minutes, not hours. Running it again adds more.
    """
    setup_django()
    _check_database_ready()
    from .demo import archive

    # Wagtail logs every year folder it creates; the bar says enough.
    logging.getLogger("wagtail").setLevel(logging.WARNING)
    with click.progressbar(length=count, label="Writing articles", width=30) as bar:
        try:
            report = archive.generate(
                count,
                seed=seed,
                years=years,
                lead_images=lead_images,
                search_index=search_index,
                progress=lambda done, total: bar.update(done - bar.pos),
            )
        except archive.NoPublication as reason:
            raise click.ClickException(str(reason)) from None
    made = [
        f"{report.folders_created} year folders" if report.folders_created else "",
        f"{report.authors_created} authors" if report.authors_created else "",
        f"{report.tags_created} tags" if report.tags_created else "",
    ]
    made = ", ".join(part for part in made if part)
    click.echo(
        f"Added {report.added:,} articles in {_duration(report.seconds)}"
        + (f" (search index: {_duration(report.index_seconds)} of that)" if search_index else "")
        + (f"; created {made}" if made else "")
        + "."
    )
    click.echo(f"Newest: {report.newest_path}")


@main.command("import-wordpress")
@click.argument("export", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--media-dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="A copy of the WordPress site's wp-content/uploads folder: attachments become images from the files in it.",
)
@click.option(
    "--section-map",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A text file of `category-slug = section-slug` lines (`* = section-slug` for the rest) sending "
    "categories to existing sections; unmapped categories become tags. Without it, top-level "
    "categories become sections.",
)
@click.option(
    "--fetch-media",
    is_flag=True,
    help="Download the attachments not found in --media-dir from the WordPress site (20 s timeout each). "
    "Without it, the import makes no network request.",
)
@click.option("--dry-run", is_flag=True, help="Read and map everything, report what would happen, change nothing.")
def import_wordpress(export, media_dir, section_map, fetch_media, dry_run):
    """Import a WordPress export (WXR file) into this site.

    EXPORT is the file WordPress makes under Tools → Export → All content
    (WXR 1.0 to 1.2). Posts become articles, filed in sections made from
    their top-level categories (or --section-map) and year folders, with
    their authors, tags, featured and inline images (from --media-dir),
    comments, and their status: published, draft, scheduled, private
    (behind a login) or password-protected. Pages become plain pages,
    nested as in WordPress. Old addresses (permalinks, /?p=ID and
    /?page_id=ID) redirect (301) to the new ones.

    All or nothing: any problem leaves the site as it was. Run it again
    with a newer export: what changed in WordPress is updated, nothing is
    duplicated. Ends with a table of what was imported, updated, unchanged
    and skipped (and why), the posts that are not public and the media
    files that were missing.
    """
    setup_django()
    _check_database_ready()
    from django.db import DatabaseError

    from .wordpress import importer, wxr

    logging.getLogger("wagtail").setLevel(logging.WARNING)
    bars = {}

    def progress(stage, done, total, summary):
        bar = bars.get(stage)
        if bar is None:
            for other in bars.values():
                other.render_finish()
            bar = bars[stage] = click.progressbar(
                length=total or 0, label=f"{stage:<13}", width=30, item_show_func=lambda counts: counts
            )
        if total:
            bar.update(done - bar.pos, _counts(summary))
        if total and done >= total:
            bar.render_finish()

    try:
        summary = importer.import_export(
            export,
            media_dir=media_dir,
            dry_run=dry_run,
            section_map=section_map,
            fetch_media=fetch_media,
            progress=progress,
        )
    except wxr.WxrError as error:
        raise click.ClickException(f"{error}. Nothing was imported.") from None
    except importer.ImportProblem as error:
        raise click.ClickException(f"{error}. Nothing was imported.") from None
    except DatabaseError as error:
        reason = " ".join(str(error).split())
        raise click.ClickException(
            f"the database refused the import ({reason}); nothing was imported: "
            "check DATABASE_URL and run `caspian setup`, then import again"
        ) from None
    finally:
        for bar in bars.values():
            bar.render_finish()
    _print_import_summary(export, summary)


@main.command(context_settings={"ignore_unknown_options": True, "allow_interspersed_args": False})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def manage(args):
    """Run a Django management command, e.g. `caspian manage check --deploy`."""
    setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["caspian manage", *args])


# --- helpers ------------------------------------------------------------------


def _prepare_database():
    from django.core.management import call_command

    click.echo("Preparing the database…")
    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)


def _check_database_ready():
    from django.core.management import call_command
    from django.db import DatabaseError

    try:
        call_command("migrate", check=True, verbosity=0)
    except SystemExit:
        raise click.ClickException("The database is not up to date: run `caspian setup` first.") from None
    except DatabaseError as error:
        raise click.ClickException(f"Cannot use the database ({error}). Check DATABASE_URL.") from error


def _load_demo():
    from .demo import loader

    bar = None

    def progress(done, total, label):
        nonlocal bar
        if bar is None or bar.label != label:
            if bar is not None:
                bar.render_finish()
            bar = click.progressbar(length=total, label=label, width=30)
            bar.label = label
        bar.update(done - bar.pos)
        if done == total:
            bar.render_finish()

    click.echo("Loading The Caspian Times…")
    # Wagtail logs every page it creates and publishes; the bars say enough.
    logging.getLogger("wagtail").setLevel(logging.WARNING)
    try:
        count = loader.load(progress=progress)
    except loader.AlreadyLoaded as reason:
        click.echo(f"Demo content not loaded: {reason} Serving the site as it is.")
    else:
        click.echo(f"Loaded {count} articles.")


def _ensure_admin():
    from django.contrib.auth import get_user_model

    User = get_user_model()
    if User.objects.filter(is_superuser=True).exists():
        click.echo("Log in to the admin with your admin account (add one with `caspian createadmin`).")
        return
    password = secrets.token_urlsafe(12)
    User.objects.create_superuser(username="admin", email="", password=password)
    click.echo(f"Admin login: admin / {password}  (shown only now: keep it somewhere safe)")


def _ensure_demo_staff():
    """Make a demo login per newsroom role (once), to try review and moderation."""
    from .demo import staff

    for username, role, password in staff.ensure_staff():
        click.echo(f"{role} login: {username} / {password}  (shown only now)")


def _two_factor_notice(port):
    """Say that some demo logins will be asked to set up a second factor (caspian/accounts/), and how to avoid it."""
    from django.conf import settings

    if settings.TWO_FACTOR_ROLES:
        click.echo(
            f"\n{' and '.join(settings.TWO_FACTOR_ROLES)} logins (admin included) set up two-factor sign-in at their "
            "first sign-in: have an authenticator app ready (any TOTP app), or use a passkey at "
            f"http://localhost:{port}/admin/. To try the demo without it: CASPIAN_TWO_FACTOR_ROLES=none caspian demo"
        )


def _use_sample_weather_if_offline():
    """Fall back to a sample reading when the weather service can't be reached from here.

    Only the demo does this (a closed network shouldn't hide a masthead
    element); it says so, and a configured backend is left alone.
    """
    if os.environ.get("CASPIAN_WEATHER_BACKEND"):
        return
    api = urlsplit(os.environ.get("WEATHER_API_URL") or "https://api.open-meteo.com")
    try:
        socket.create_connection((api.hostname, api.port or (443 if api.scheme == "https" else 80)), timeout=3).close()
    except OSError:
        os.environ["CASPIAN_WEATHER_BACKEND"] = "caspian.masthead.weather.dummy.SampleBackend"
        click.echo(f"The weather service ({api.hostname}) is out of reach: the masthead shows a sample reading.")


def _counts(summary):
    """What the import has got through so far, for the progress bar."""
    kinds = ("posts", "pages", "images", "comments")
    return ", ".join(f"{summary.count(kind):,} {kind}" for kind in kinds if summary.count(kind))


def _print_import_summary(export, summary):
    click.echo(
        f"\n{'Dry run of' if summary.dry_run else 'Imported'} {export.name} from {summary.site_url or 'WordPress'} "
        f"in {_duration(summary.seconds)} ({summary.posts_per_second:,.0f} posts/s)."
    )
    headings = ("", "imported", "updated", "unchanged", "skipped")
    rows = [headings, *((kind, *(f"{n:,}" for n in numbers)) for kind, *numbers in summary.rows())]
    widths = [max(len(str(row[column])) for row in rows) for column in range(len(headings))]
    for row in rows:
        click.echo("  " + "  ".join(str(cell).rjust(width) if n else str(cell).ljust(width)
                                     for n, (cell, width) in enumerate(zip(row, widths, strict=True))))  # fmt: skip
    reasons = [(kind, reason, n) for kind, counter in summary.reasons.items() for reason, n in counter.most_common()]
    if reasons:
        click.echo("Skipped:")
        for kind, reason, n in reasons:
            click.echo(f"  {kind}: {n:,} {reason}")
    statuses = summary.statuses
    if statuses:
        names = {"live": "live", "draft": "drafts", "scheduled": "scheduled", "login": "behind a login (were private)",
                 "password": "behind a password"}  # fmt: skip
        click.echo("Posts: " + ", ".join(f"{statuses[key]:,} {label}" for key, label in names.items() if statuses[key]))
    if summary.not_public:
        click.echo(f"Not public ({len(summary.not_public)}): readers need a login or the post's password:")
        for item in summary.not_public[:IMPORT_LIST_LIMIT]:
            click.echo(f"  {item.path}  {item.title}  ({item.restriction})")
        _more(summary.not_public)
    if summary.missing_media:
        click.echo(f"Missing media ({len(summary.missing_media):,}): imported without them; add --media-dir or fix:")
        for line in summary.missing_media[:IMPORT_LIST_LIMIT]:
            click.echo(f"  {line}")
        _more(summary.missing_media)
    if summary.notes:
        click.echo("Notes:")
        for note, n in summary.notes.most_common(IMPORT_LIST_LIMIT):
            click.echo(f"  {note}" + (f" ({n:,} posts)" if n > 1 else ""))
    if summary.dry_run:
        click.echo("Dry run: nothing was changed.")


def _more(items):
    if len(items) > IMPORT_LIST_LIMIT:
        click.echo(f"  … and {len(items) - IMPORT_LIST_LIMIT:,} more")


def _duration(seconds):
    """``seconds`` for people: "42 s", "3 min 05 s"."""
    minutes, seconds = divmod(round(seconds), 60)
    return f"{minutes} min {seconds:02d} s" if minutes else f"{seconds} s"


# Threads per worker process: enough to overlap database waits, few enough
# that the interpreter lock is not fought over (granian's default is 512).
THREADS_PER_WORKER = 4
GRACEFUL_SECONDS = 30


def _check_port_free(host, port):
    # granian shares ports (SO_REUSEPORT), so a second server on a busy port
    # would start silently beside the first; a plain bind finds the clash.
    host = host.strip("[]")
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        # Connections left in TIME_WAIT by a server just stopped are no clash.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            raise click.ClickException(
                f"Cannot listen on {host}:{port} ({error.strerror}): is Caspian already running? Try another --port."
            ) from None


def _serve(host, port, workers):
    from django.conf import settings
    from django.db import connections
    from granian.constants import Interfaces
    from granian.server import Server

    from .background import Scheduler

    _check_port_free(host, port)
    workers = workers or default_workers()
    click.echo(f"Serving on http://{host}:{port}/ with {workers} workers (Ctrl+C stops).")
    # The workers are forked from this process: they must not share its database connection.
    connections.close_all()
    server = Server(
        "caspian.wsgi:application",
        address=host,
        port=port,
        interface=Interfaces.WSGI,
        workers=workers,
        blocking_threads=THREADS_PER_WORKER,
        respawn_failed_workers=True,
        # On reload (SIGHUP) and shutdown, requests in flight get this long to finish.
        workers_kill_timeout=GRACEFUL_SECONDS,
        log_access=True,
    )
    if settings.TASKS_BACKEND == "database":
        click.echo("Scheduled publishing, weather and housekeeping: run `caspian worker` beside this server.")
    else:
        # A thread of this parent process: once per server, however many workers.
        # granian forks the workers without it (fork copies only the calling thread).
        scheduler = Scheduler()
        scheduler.start()
        server.on_shutdown(scheduler.stop)
        click.echo(
            f"Scheduled publishing, weather and housekeeping: run by this server every {scheduler.interval:g} s."
        )
    server.serve()


if __name__ == "__main__":
    sys.exit(main())
