"""Writing pages in bulk, below Wagtail's API: tree positions, rows, child counts, revisions.

Adding a page through Wagtail (``add_child``, ``save_revision``, signals)
costs tens of milliseconds, so tens of thousands of pages would take
hours. Writers of many pages at once (``caspian generate-archive``, the
WordPress importer) compute the tree positions (treebeard's materialised
paths) with :class:`Children`, insert the base ``wagtailcore_page`` rows
and the specific rows a chunk at a time with :func:`insert_pages`, then
fix the parents' child counts with :func:`count_children`.

What this skips is theirs to do: the search index (``add_bulk``), the
page cache (:func:`caspian.pagecache.invalidation.site_changed`) and the
cached sites (:func:`caspian.newsroom.sites.invalidate`), since no model
signal fires; revisions (:func:`add_revisions`) if editors should see a
history. The reference index is left as it is.
"""

import uuid

from django.contrib.contenttypes.models import ContentType
from django.db import connections, router
from django.db.models import CharField, F, OuterRef, Subquery
from django.db.models.functions import Cast
from django.utils.text import slugify
from modelcluster.models import get_all_child_relations
from wagtail.models import Page, PageLogEntry, Revision

SLUG_LENGTH = 80
PAGE_FIELDS = [f for f in Page._meta.concrete_fields if not f.primary_key]


class Children:
    """A parent page being filled: the next free tree step below it and the slugs its children take.

    Reads the parent's existing children once (none for a page written
    just now: pass ``empty=True``). Not safe against another writer adding
    children to the same parent at the same time: bulk writers run in one
    transaction, alone.
    """

    def __init__(self, page, *, empty=False):
        self.page = page
        self.added = 0
        if empty:
            self.next_step, self.slugs = 1, set()
            return
        children = Page.objects.child_of(page)
        last = children.order_by("-path").values_list("path", flat=True).first()
        self.next_step = Page._str2int(last[-Page.steplen :]) + 1 if last else 1
        self.slugs = set(children.values_list("slug", flat=True))

    def taken(self, slug):
        """Whether a new child may not have ``slug``: a child has it already."""
        return slug in self.slugs

    def free_slug(self, slug, max_length=SLUG_LENGTH):
        """``slug`` if it is not :meth:`taken`, else ``slug-2``, ``slug-3``…; not claimed."""
        free, n = slug, 1
        while self.taken(free):
            n += 1
            free = f"{slug[: max_length - len(str(n)) - 1]}-{n}"
        return free

    def claim(self, slug, max_length=SLUG_LENGTH):
        """A slug free below this parent (see :meth:`free_slug`) and the next child's tree path."""
        free = self.free_slug(slug, max_length)
        self.slugs.add(free)
        path = Page._get_path(self.page.path, self.page.depth + 1, self.next_step)
        self.next_step += 1
        self.added += 1
        return free, path

    def place(self, page, slug, max_length=SLUG_LENGTH):
        """Give the unsaved ``page`` its slug, tree position and address below this parent."""
        page.slug, page.path = self.claim(slug, max_length)
        page.depth = self.page.depth + 1
        page.numchild = 0
        page.url_path = f"{self.page.url_path}{page.slug}/"
        page.locale_id = self.page.locale_id
        page.translation_key = page.translation_key or uuid.uuid4()
        page.draft_title = page.draft_title or page.title
        page.content_type = ContentType.objects.get_for_model(page)
        return page


def slug_from(text, length=SLUG_LENGTH, default="page"):
    """``text`` as a slug of at most ``length`` characters, cut between words."""
    slug = slugify(text, allow_unicode=True)
    if len(slug) > length:
        slug = slug[: length + 1].rsplit("-", 1)[0][:length]
    return slug or default


def insert_pages(pages):
    """Write new pages of one specific model (placed with :class:`Children`); they get their primary keys.

    The base rows and the model's own rows go in with :func:`insert_rows`;
    the base rows' keys are read back by tree path, which is unique. Child
    relations (bylines, tags) are the caller's.
    """
    if not pages:
        return
    model = type(pages[0])
    insert_rows(Page, PAGE_FIELDS, ([getattr(page, f.attname) for f in PAGE_FIELDS] for page in pages))
    keys = dict(Page.objects.filter(path__in=[page.path for page in pages]).values_list("path", "pk"))
    for page in pages:
        page.id = page.page_ptr_id = keys[page.path]
        page._state.adding = False
    fields = model._meta.local_concrete_fields
    insert_rows(model, fields, ([getattr(page, f.attname) for f in fields] for page in pages))


def insert_rows(model, fields, rows):
    """INSERT ``rows`` (values for ``fields``) into ``model``'s own table with one ``executemany``.

    For what ``bulk_create`` cannot do (the rows of a multi-table child
    like ``ArticlePage``) or does at many times the cost (bylines and
    tags, as model instances). Each value is prepared by its field, as in
    Django's own inserts.
    """
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(model._meta.db_table), ", ".join(quote(f.column) for f in fields), ", ".join(["%s"] * len(fields))
    )
    prepared = [[f.get_db_prep_save(value, connection) for f, value in zip(fields, row, strict=True)] for row in rows]
    if not prepared:
        return
    with connection.cursor() as cursor:
        cursor.executemany(sql, prepared)


def count_children(parents):
    """Add the children placed since the last call to each :class:`Children`'s page's child count."""
    for parent in parents:
        if parent.added:
            Page.objects.filter(pk=parent.page.pk).update(numchild=F("numchild") + parent.added)
            parent.page.numchild += parent.added
            parent.added = 0


REVISION_FIELDS = [Revision._meta.get_field(name) for name in (
    "content_type", "base_content_type", "object_id", "created_at", "object_str", "content", "approved_go_live_at",
)]  # fmt: skip
LOG_FIELDS = [PageLogEntry._meta.get_field(name) for name in (
    "content_type", "label", "action", "data", "timestamp", "revision", "content_changed", "deleted", "page",
)]  # fmt: skip


def add_revisions(pages):
    """Give each new page written with :func:`insert_pages` one revision and a line in its history.

    The revision holds the page as written (with the child relations set
    on it in memory; those not set are taken as empty), dated
    ``latest_revision_created_at``; it becomes the page's latest revision,
    and its live one when the page is live. A page not live with
    ``go_live_at`` set gets a revision approved to go live then: Wagtail's
    ``publish_scheduled`` publishes it. History: "Created", plus
    "Published" or "Scheduled publication" at the revision's time.
    """
    if not pages:
        return
    base_type = ContentType.objects.get_for_model(Page)
    rows = []
    for page in pages:
        _no_other_children(page)
        scheduled = page.go_live_at if page.go_live_at and not page.live else None
        content = page.serializable_data()
        created = page.latest_revision_created_at
        rows.append((page.content_type_id, base_type.pk, str(page.pk), created, page.title, content, scheduled))
    insert_rows(Revision, REVISION_FIELDS, rows)
    # Subqueries, not bulk_update: its CASE over hundreds of rows costs far more.
    ids = [page.pk for page in pages]
    newest = Revision.objects.filter(base_content_type=base_type, object_id=Cast(OuterRef("pk"), CharField()))
    Page.objects.filter(pk__in=ids).update(latest_revision=Subquery(newest.order_by("-pk").values("pk")[:1]))
    Page.objects.filter(pk__in=ids, live=True).update(live_revision=F("latest_revision"))
    revision_of = dict(Page.objects.filter(pk__in=ids).values_list("pk", "latest_revision_id"))
    entries = []
    for page, (*_, created, _title, _content, scheduled) in zip(pages, rows, strict=True):
        revision = page.latest_revision_id = revision_of[page.pk]
        page.live_revision_id = revision if page.live else None
        line = [page.content_type_id, page.get_admin_display_title(), "", {}, created, revision, False, False, page.pk]
        entries.append(_entry(line, "wagtail.create", changed=True))
        if page.live:
            entries.append(_entry(line, "wagtail.publish"))
        elif scheduled:
            times = {"created": created.isoformat(), "go_live_at": scheduled.isoformat()}
            data = {"revision": {"id": revision, **times, "has_live_version": False}}
            entries.append(_entry(line, "wagtail.publish.schedule", data))
    insert_rows(PageLogEntry, LOG_FIELDS, entries)


def _entry(line, action, data=None, changed=False):
    """A history line (values for LOG_FIELDS) from a page's common values."""
    entry = list(line)
    entry[2], entry[3], entry[6] = action, data or {}, changed
    return entry


def _no_other_children(page):
    """Child relations a new page was given no objects for are empty: serialising it must not ask the database."""
    names = _CHILD_RELATIONS.get(type(page))
    if names is None:
        relations = get_all_child_relations(page)
        names = _CHILD_RELATIONS[type(page)] = [relation.get_accessor_name() for relation in relations]
    for name in names:
        if not getattr(page, name).is_deferring:  # nothing set in memory
            setattr(page, name, [])


_CHILD_RELATIONS = {}  # page model -> names of its child relations


def refresh_planner_statistics(model=Page):
    """Let the database plan with the new row counts at once (``ANALYZE``).

    Tens of thousands of rows written at once leave PostgreSQL's statistics
    describing the old, small tables until autovacuum gets round to them,
    and SQLite has none until asked: either way the listings' queries then
    pick plans fit for small tables (on SQLite at 100,000 articles, More
    articles took 0.35 s without statistics and 1 ms with them).
    """
    connection = connections[router.db_for_write(model)]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
