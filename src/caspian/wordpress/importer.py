"""Import a WordPress export (WXR) into the default site: ``caspian import-wordpress``.

:func:`import_export` reads the export twice, streaming
(:func:`caspian.wordpress.wxr.read`): first the attachments, which become
images (:mod:`.media`), so that posts find their images whatever the
order of the file; then authors, categories, tags, posts, pages and
comments. Posts are written a chunk at a time, in bulk
(:mod:`caspian.newsroom.bulk`), as a normal Wagtail site has them: live,
draft or scheduled, each with one revision and a line in its history,
in the search index. What each kind becomes is told in the modules:
:mod:`.posts`, :mod:`.taxonomy`, :mod:`.people`, :mod:`.media`,
:mod:`.comments`, :mod:`.redirects`.

Everything happens in one transaction: a problem anywhere (a file cut
short, a database error) leaves the site as it was, and the image files
already copied are deleted again. A dry run does all the work, then rolls
it back, copying no file. Every object made is recorded
(:class:`~caspian.wordpress.models.ImportedObject`), so running the same
export again updates what changed in WordPress and duplicates nothing.
"""

import os
import time
from urllib.parse import urlsplit

from django.db import transaction
from django.utils import timezone
from wagtail.models import Site
from wagtail.search.backends import get_search_backends

from ..comments.moderation import recount
from ..newsroom import bulk, sites
from ..newsroom.models import HomePage, PublicationSettings
from ..pagecache import invalidation
from . import wxr
from .comments import Comments
from .errors import ImportProblem
from .ledger import Ledger
from .media import Media
from .people import People
from .posts import Clock, Posts
from .records import Author, Channel, Item, Term
from .redirects import Redirects
from .summary import Summary
from .taxonomy import Taxonomy, read_section_map
from .tree import Tree

__all__ = ["ImportProblem", "Summary", "import_export"]

READING_MEDIA = "Reading media"
RECOUNT_BATCH = 2000  # articles per comment recount (SQLite takes a few thousand query parameters)
IMPORTING = "Importing"


def import_export(source, *, media_dir=None, dry_run=False, section_map=None, fetch_media=False, progress=None):
    """Import the WordPress export ``source`` (a path, or a binary file that can be read twice) into the default site.

    ``media_dir``: a copy of the site's ``wp-content/uploads`` folder.
    ``section_map``: the path of a section map (see
    :func:`caspian.wordpress.taxonomy.read_section_map`). ``fetch_media``:
    download the attachments not found in ``media_dir``; without it
    nothing is fetched from the network. ``dry_run``: do everything, then
    undo it, and copy no file. ``progress(stage, done, total, summary)``
    is called as the export is read (``done``/``total`` in bytes, ``total``
    ``None`` when unknown; ``stage`` :data:`READING_MEDIA` or :data:`IMPORTING`).

    Returns the :class:`~caspian.wordpress.summary.Summary`. Raises
    :class:`~caspian.wordpress.wxr.WxrError` for an export that cannot be
    read and :class:`ImportProblem` for anything else the person importing
    can fix; either way nothing is left of the import.
    """
    started = time.perf_counter()
    parsed_map = read_section_map(section_map) if section_map else None
    if media_dir is not None and not os.path.isdir(media_dir):
        raise ImportProblem(f"the media folder {media_dir} does not exist: give a copy of wp-content/uploads")
    job = _Import(source, media_dir=media_dir, dry_run=dry_run, fetch_media=fetch_media, progress=progress)
    try:
        with transaction.atomic():
            job.run(parsed_map)
            if dry_run:
                transaction.set_rollback(True)
    except BaseException:
        if job.media is not None:
            job.media.discard()
        raise
    finally:
        if job.media is not None:
            job.media.close()
    if not dry_run:
        # Written in bulk, without Wagtail's signals: every cached page and site may be out of date.
        invalidation.site_changed()
        sites.invalidate()
        bulk.refresh_planner_statistics()
    job.summary.seconds = time.perf_counter() - started
    return job.summary


class _Import:
    """One run of the importer: what it reads from and everything it keeps while writing."""

    def __init__(self, source, *, media_dir, dry_run, fetch_media, progress):
        self.source = source
        self.media_dir = media_dir
        self.dry_run = dry_run
        self.fetch_media = fetch_media
        self.progress = progress
        self.summary = Summary(dry_run=dry_run)
        self.media = None

    def run(self, section_map):
        self.site, self.home = _publication()
        self.zone = PublicationSettings.time_zone_of(self.site)
        self.now = timezone.now()
        self.clock = Clock(self.zone)
        self.tree = Tree([] if self.dry_run else list(get_search_backends(with_auto_update=True)))
        records = self._read(READING_MEDIA)
        channel = next(records)
        self.summary.site_url = channel.site_url
        self.ledger = Ledger(site_key(channel.site_url), self.now)
        self.media = Media(self, self.media_dir, self.fetch_media)
        for record in records:
            if isinstance(record, Item) and record.post_type == "attachment":
                self.clock.learn(record)
                self.media.add(record)
        self.media.flush()
        self.taxonomy = Taxonomy(self, section_map)
        self.people = People(self)
        self.comments = Comments(self)
        self.redirects = Redirects(self)
        self.posts = Posts(self)
        records = self._read(IMPORTING)
        next(records)
        for record in records:
            if isinstance(record, Item):
                self._item(record)
            elif isinstance(record, Author):
                self.people.declare(record)
            elif isinstance(record, Term):
                self.taxonomy.declare(record)
        self.posts.finish()
        self.taxonomy.finish()
        self.people.finish()
        self.tree.finish()
        self.ledger.flush()
        if not self.dry_run:
            articles = sorted(self.comments.articles)
            for start in range(0, len(articles), RECOUNT_BATCH):
                # The whole site's cached pages are invalidated at the end, not article by article.
                recount(articles[start : start + RECOUNT_BATCH], announce=False)

    def _item(self, item):
        if item.post_type in ("post", "page"):
            self.posts.add(item)
        elif item.post_type != "attachment":
            self.summary.skip("other", f"{item.post_type} items are not imported")

    def _read(self, stage):
        """The export's records from the start: the :class:`Channel` first."""
        source = self.source
        if not isinstance(source, str | os.PathLike):
            try:
                source.seek(0)
            except (AttributeError, OSError) as error:
                raise ImportProblem(
                    f"the export must be a file the importer can read twice, not a stream ({error})"
                ) from None
        report = None
        if self.progress is not None:

            def report(done, total):
                self.progress(stage, done, total, self.summary)

        records = wxr.read(source, progress=report)
        return _channel_first(records)


def site_key(url):
    """What identifies the exporting site across exports: its address without the scheme, in lower case.

    A site that moved from ``http://`` to ``https://`` between two exports is still the same site.
    """
    parts = urlsplit(url.strip())
    return (parts.netloc + parts.path.rstrip("/")).lower() if parts.netloc else url.strip().lower()


def _channel_first(records):
    first = next(records, None)
    if not isinstance(first, Channel):
        raise ImportProblem("the export has no channel: it is not a WordPress export")
    yield first
    yield from records


def _publication():
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    home = site.root_page.specific if site else None
    if not isinstance(home, HomePage):
        raise ImportProblem(
            "this site has no Caspian home page to import into: "
            "run `caspian setup` first (or `caspian demo --no-serve`)"
        )
    return site, home
