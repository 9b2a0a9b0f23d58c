"""Background work for the newsroom (django-tasks: inline in the demo, `caspian worker` in production)."""

import io
import logging
import threading
from contextlib import contextmanager

from django.core.management import call_command
from django.db import OperationalError, connection, transaction
from django_tasks import task
from wagtail.signals import published, unpublished

from . import images
from .models import ArticlePage, LiveBlogPage

logger = logging.getLogger(__name__)

# Key of the PostgreSQL advisory lock a scheduling pass holds (any number
# no other code uses; these are the bytes of "casp").
SCHEDULING_LOCK = 0x63617370


@task()
def prepare_article_images(article_id):
    """Make the renditions an article's images need, so no reader waits while they are made."""
    article = ArticlePage.objects.select_related("lead_image").filter(pk=article_id).first()
    if article is None:
        return
    if article.lead_image:
        images.prepare_renditions(article.lead_image, "lead", "card")
        images.share_renditions(article.lead_image)
    for block in article.body:
        if block.block_type == "image" and block.value["image"]:
            images.prepare_renditions(block.value["image"], "inline")
    live_blog = article.specific_deferred
    if isinstance(live_blog, LiveBlogPage):
        for entry in live_blog.entries.filter(image__isnull=False).select_related("image"):
            images.prepare_renditions(entry.image, "inline")


# Rows of each index SQLite's ANALYZE reads: statistics good enough to plan
# with at a cost that does not grow with the archive (40 ms at 50,000
# articles, where a full ANALYZE took 280 ms).
ANALYSIS_LIMIT = 400


@task()
def optimize_database():
    """Refresh SQLite's query planner statistics (hourly housekeeping, see :mod:`caspian.background`).

    Without them, listings on a site that has grown since the last
    ``ANALYZE`` are planned as for small tables (see
    :func:`.bulk.refresh_planner_statistics`). ``PRAGMA optimize`` alone
    would not do: before SQLite 3.46 it only looks at tables the same
    connection has queried, so on this fresh connection it does nothing.
    PostgreSQL needs nothing: autovacuum analyses changed tables itself.
    """
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA analysis_limit={ANALYSIS_LIMIT}")
        cursor.execute("ANALYZE")


@task()
def publish_scheduled():
    """Carry out the publish-at and expire-at times that have come: one scheduling pass.

    The pass is Wagtail's ``publish_scheduled`` command: it unpublishes the
    live pages (and snippets) whose expiry time has passed, then publishes
    the revisions approved to go live by now. Their ``page_published`` and
    ``page_unpublished`` signals invalidate the page cache as an editor's
    publish does. Called every round of the scheduler in
    :mod:`caspian.background` (``CASPIAN_SCHEDULER_SECONDS``); queueing it
    works too.

    The pass is one transaction, so a worker stopped halfway leaves nothing
    half done. An item Wagtail cannot publish (say its slug now clashes
    with a sibling's) fails every pass, logged each time, until an editor
    fixes it, as it would under Wagtail's command alone.

    Several workers or servers may call it at once; only one pass runs at a
    time, so nothing is published twice. Returns ``False`` when another
    pass was running (it does the work) or, on SQLite, another write kept
    the database busy for the whole busy timeout (the next pass catches
    up); else ``True``.
    """
    try:
        with transaction.atomic():
            if not _only_pass():
                return False
            with _logging_changes():
                call_command("publish_scheduled", stdout=io.StringIO())
    except OperationalError as error:
        if connection.vendor != "sqlite" or "locked" not in str(error):
            raise
        logger.info("Scheduling pass skipped: the database is busy with another write; the next pass catches up")
        return False
    return True


def _only_pass():
    """Whether this transaction may run a scheduling pass, i.e. no other pass is running.

    Without it, two passes could both read the same due revision and both
    publish it. On SQLite the transaction began with ``BEGIN IMMEDIATE``
    (``transaction_mode`` in settings), so it is the database's only writer:
    another pass waits for it to commit and then finds nothing left to do.
    PostgreSQL takes an advisory lock held until the transaction ends; a
    pass that cannot have it leaves the work to the one that has.
    """
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [SCHEDULING_LOCK])
        return cursor.fetchone()[0]


@contextmanager
def _logging_changes():
    """Log a line for each page or snippet this thread publishes or unpublishes meanwhile.

    Wagtail's own line is at INFO on the ``wagtail`` logger, which `caspian
    demo` quietens; operators want to see what the schedule did.
    """
    thread = threading.get_ident()

    def on_published(sender, instance, **kwargs):
        if threading.get_ident() == thread:
            logger.info("Published on schedule: %s", _describe(instance))

    def on_unpublished(sender, instance, **kwargs):
        if threading.get_ident() == thread:
            logger.info("Unpublished on schedule (expired): %s", _describe(instance))

    published.connect(on_published, weak=False)
    unpublished.connect(on_unpublished, weak=False)
    try:
        yield
    finally:
        published.disconnect(on_published)
        unpublished.disconnect(on_unpublished)


def _describe(instance):
    return f'{instance._meta.verbose_name} "{instance}" (id {instance.pk})'
