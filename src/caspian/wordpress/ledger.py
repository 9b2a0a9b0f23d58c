"""What earlier imports made (:class:`~caspian.wordpress.models.ImportedObject`), read and kept up to date."""

import hashlib
import json
from typing import NamedTuple

from django.contrib.contenttypes.models import ContentType

from ..newsroom.bulk import insert_rows
from .models import ImportedObject

# Kinds an export may hold millions of: their entries are read a chunk at a time.
BULKY = ("post", "page", "comment")
LOAD_BATCH = 500
FIELDS = [
    ImportedObject._meta.get_field(name)
    for name in ("site_url", "kind", "wp_id", "content_type", "object_id", "checksum", "imported_at")
]


class Entry(NamedTuple):
    content_type_id: int
    object_id: int
    checksum: str
    stored: bool  # False: recorded by this import and not written yet


def checksum(*values):
    """A stable digest of ``values`` (anything JSON can hold; dates and other objects as text)."""
    text = json.dumps(values, sort_keys=True, default=str, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def without_ids(value):
    """A StreamField value without its blocks' ``id`` keys: random per conversion, not content."""
    if isinstance(value, list):
        return [without_ids(item) for item in value]
    if isinstance(value, dict):
        return {key: without_ids(item) for key, item in value.items() if key != "id"}
    return value


class Ledger:
    """What earlier imports of one WordPress site made, and what this one adds or changes.

    Entries for authors, terms and attachments are read at the start; those
    for posts, pages and comments (an export may hold millions) are read a
    chunk at a time with :meth:`load` and forgotten again by :meth:`flush`,
    which writes what was recorded since the last call, in bulk.
    """

    def __init__(self, site_url, now):
        self.site_url = site_url
        self.now = now
        self.entries = {}  # (kind, wp_id) -> Entry
        self._read(ImportedObject.objects.filter(site_url=site_url).exclude(kind__in=BULKY))
        self.new = {}  # (kind, wp_id) -> values for FIELDS
        self.changed = {}  # (kind, wp_id) -> (content type pk, object id, checksum)

    def _read(self, queryset):
        for kind, wp_id, *values in queryset.values_list("kind", "wp_id", "content_type_id", "object_id", "checksum"):
            self.entries[kind, wp_id] = Entry(*values, stored=True)

    def load(self, kind, wp_ids):
        """Read the entries for these WordPress objects of a bulky kind, before :meth:`find` is asked about them."""
        wanted = list({str(wp_id) for wp_id in wp_ids} - {key for k, key in self.entries if k == kind})
        mine = ImportedObject.objects.filter(site_url=self.site_url, kind=kind)
        for start in range(0, len(wanted), LOAD_BATCH):
            self._read(mine.filter(wp_id__in=wanted[start : start + LOAD_BATCH]))

    def find(self, kind, wp_id):
        """The :class:`Entry` for a WordPress object, or ``None`` if no import has made anything of it."""
        return self.entries.get((kind, str(wp_id)))

    def object_ids(self, kind):
        """The objects made from every WordPress object of ``kind`` known so far."""
        return [entry.object_id for (k, _), entry in self.entries.items() if k == kind]

    def record(self, kind, wp_id, model, object_id, digest):
        """Remember that ``model`` ``object_id`` is made from this WordPress object, as of ``digest``."""
        key = (kind, str(wp_id))
        content_type = ContentType.objects.get_for_model(model).pk
        entry = self.entries.get(key)
        if entry is not None and entry[:3] == (content_type, object_id, digest):
            return
        stored = entry is not None and entry.stored
        if stored:
            self.changed[key] = (content_type, object_id, digest)
        else:
            self.new[key] = (self.site_url, kind, key[1], content_type, object_id, digest, self.now)
        self.entries[key] = Entry(content_type, object_id, digest, stored)

    def flush(self):
        """Write what was recorded since the last call; forget the entries of bulky kinds."""
        insert_rows(ImportedObject, FIELDS, self.new.values())
        for (kind, wp_id), (content_type, object_id, digest) in self.changed.items():
            ImportedObject.objects.filter(site_url=self.site_url, kind=kind, wp_id=wp_id).update(
                content_type_id=content_type, object_id=object_id, checksum=digest, imported_at=self.now
            )
        for key in self.new:
            self.entries[key] = self.entries[key]._replace(stored=True)
        self.entries = {key: entry for key, entry in self.entries.items() if key[0] not in BULKY}
        self.new, self.changed = {}, {}
