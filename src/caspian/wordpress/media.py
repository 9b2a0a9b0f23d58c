"""Attachments → images, from a copy of ``wp-content/uploads`` (and, only when asked, downloaded).

An attachment's file is looked for under the media folder by its path in
the uploads folder: the ``_wp_attached_file`` meta value, else the part
of its address after ``/uploads/`` (or, for WordPress.com's file hosts,
the whole path). A file that is not there is listed in the summary; the
posts using it import without it. Only with ``fetch`` is the attachment's
address downloaded (with a timeout), and only for files not found locally.

Files are copied into Caspian's media storage as they are found; if the
import fails they are deleted again, and a dry run copies nothing.
"""

import re
import tempfile
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.files import File
from PIL import Image, UnidentifiedImageError
from taggit.models import Tag
from wagtail.models import Collection
from wagtail.utils.file import hash_filelike

from ..newsroom.models import NewsImage
from .ledger import checksum
from .models import Kind
from .text import one_line

FETCH_TIMEOUT_SECONDS = 20
FETCH_MAX_BYTES = 50 * 1024 * 1024
FETCH_USER_AGENT = "Caspian WordPress importer"
CHUNK = 200
# WordPress's resized copies: photo-300x200.jpg, photo-scaled.jpg, photo-rotated.jpg.
RESIZED = re.compile(r"-(?:\d+x\d+|scaled|rotated)(?=\.[^./]+$)")


@dataclass
class Attachment:
    wp_id: int
    url: str
    path: str  # where it sits in the uploads folder, e.g. 2024/05/harbour.jpg
    title: str
    alt: str
    caption: str
    image_id: int | None = None


def uploads_path(url):
    """The path of an uploaded file's address inside the uploads folder (or the whole path), unquoted."""
    path = unquote(urlsplit(url or "").path)
    if "/uploads/" in path:
        return path.split("/uploads/", 1)[1]
    return path.lstrip("/")


def url_key(url):
    """What two addresses of the same upload share: its path in the uploads folder, without size suffixes."""
    return RESIZED.sub("", uploads_path(url)).lower()


class Media:
    def __init__(self, job, media_dir=None, fetch=False):
        self.job = job
        self.folder = Path(media_dir) if media_dir else None
        self.fetch = fetch
        self.attachments = {}  # wp id -> Attachment
        self.by_url = {}  # url_key -> wp id
        self.pending = []  # (Attachment, NewsImage, digest) not written yet
        self.saved = []  # storage names this import wrote
        self.downloads = None  # TemporaryDirectory, made on the first download
        self.collection = Collection.get_first_root_node()
        self.extensions = {f".{extension}" for extension in settings.WAGTAILIMAGES_EXTENSIONS}
        field = NewsImage._meta.get_field("file")
        self.storage = field.storage
        self.field = field
        known = job.ledger.object_ids(Kind.ATTACHMENT)
        self.existing = set()
        for start in range(0, len(known), 900):
            batch = known[start : start + 900]
            self.existing.update(NewsImage.objects.filter(pk__in=batch).values_list("pk", flat=True))

    # --- attachments (the first pass over the export) -------------------------------------

    def add(self, item):
        """Make (or find again) the image for an attachment item."""
        url = item.attachment_url or item.guid
        path = (item.meta.get("_wp_attached_file") or "").strip().lstrip("/") or uploads_path(url)
        title = one_line(item.title) or PurePosixPath(path).stem or f"Image {item.wp_id}"
        attachment = Attachment(
            wp_id=item.wp_id,
            url=url,
            path=path,
            title=title[:255],
            alt=one_line(item.meta.get("_wp_attachment_image_alt", ""))[:255],
            caption=one_line(item.excerpt)[:255],
        )
        self.attachments[item.wp_id] = attachment
        for address in {url, item.guid, path}:
            if address:
                self.by_url.setdefault(url_key(address), item.wp_id)
        summary = self.job.summary
        if PurePosixPath(path).suffix.lower() not in self.extensions:
            summary.skip("images", "not an image (documents, audio and video are not imported)")
            return
        entry = self.job.ledger.find(Kind.ATTACHMENT, item.wp_id)
        known = entry is not None and entry.object_id in self.existing
        source, problem = self._source(attachment)
        if source is None:
            if known:  # imported before, from a folder given then
                attachment.image_id = entry.object_id
                summary.add("images", "unchanged")
                return
            summary.skip("images", "file missing")
            summary.missing_media.append(f"{path or url} (attachment {item.wp_id}: {problem})")
            return
        digest = checksum(url, path, attachment.title, attachment.alt, source.stat().st_size)
        if known and entry.checksum == digest:
            attachment.image_id = entry.object_id
            summary.add("images", "unchanged")
            return
        image = self._image(attachment, source)
        if image is None:
            return
        if known:
            self._replace(entry.object_id, image)
            attachment.image_id = entry.object_id
            summary.add("images", "updated")
            self.job.ledger.record(Kind.ATTACHMENT, item.wp_id, NewsImage, entry.object_id, digest)
            return
        self.pending.append((attachment, image, digest))
        if len(self.pending) >= CHUNK:
            self.flush()

    def flush(self):
        """Write the images made since the last call."""
        if not self.pending:
            return
        images = [image for _, image, _ in self.pending]
        NewsImage.objects.bulk_create(images, batch_size=500)
        for attachment, image, digest in self.pending:
            attachment.image_id = image.pk
            self.job.ledger.record(Kind.ATTACHMENT, attachment.wp_id, NewsImage, image.pk, digest)
        self.job.summary.add("images", "imported", len(images))
        for image in images:  # new images have no tags: the search index need not ask, three times each
            image._prefetched_objects_cache = {"tags": Tag.objects.none()}
        for backend in self.job.tree.backends:
            backend.add_bulk(NewsImage, images)
        self.pending = []

    def _source(self, attachment):
        """``(path of the file here, None)`` or ``(None, why not)``."""
        problem = "not in the media folder" if self.folder else "no --media-dir given"
        if self.folder is not None and attachment.path:
            candidate = (self.folder / attachment.path).resolve()
            # The path comes from the export: it must not lead out of the media folder.
            if candidate.is_relative_to(self.folder.resolve()) and candidate.is_file():
                return candidate, None
        if self.fetch:
            return self._download(attachment)
        return None, problem

    def _download(self, attachment):
        url = attachment.url
        if urlsplit(url).scheme not in ("http", "https"):
            return None, f"cannot download {url!r}"
        if self.downloads is None:
            self.downloads = tempfile.TemporaryDirectory(prefix="caspian-wordpress-")
        target = Path(self.downloads.name) / f"{attachment.wp_id}{PurePosixPath(attachment.path).suffix.lower()}"
        request = urllib.request.Request(url, headers={"User-Agent": FETCH_USER_AGENT})
        try:
            with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT_SECONDS) as response:
                data = response.read(FETCH_MAX_BYTES + 1)
        except urllib.error.HTTPError as error:
            return None, f"download failed: HTTP {error.code}"
        except (urllib.error.URLError, OSError, ValueError) as error:
            return None, f"download failed: {getattr(error, 'reason', None) or error}"
        if len(data) > FETCH_MAX_BYTES:
            return None, f"download failed: larger than {FETCH_MAX_BYTES // (1024 * 1024)} MB"
        target.write_bytes(data)
        return target, None

    def _image(self, attachment, source):
        """An unsaved image of the file at ``source``, its file copied into storage (not in a dry run)."""
        with open(source, "rb") as file:
            try:
                with Image.open(file) as picture:
                    width, height = picture.size
            except (UnidentifiedImageError, OSError, Image.DecompressionBombError, ValueError):
                self.job.summary.skip("images", "not a readable image")
                self.job.summary.missing_media.append(
                    f"{attachment.path} (attachment {attachment.wp_id}: not a readable image)"
                )
                return None
            file.seek(0)
            file_hash = hash_filelike(file)
            image = NewsImage(
                title=attachment.title,
                description=attachment.alt,
                collection=self.collection,
                width=width,
                height=height,
                file_size=source.stat().st_size,
                file_hash=file_hash,
            )
            name = self.field.generate_filename(image, PurePosixPath(attachment.path).name or source.name)
            if not self.job.dry_run:
                file.seek(0)
                name = self.storage.save(name, File(file), max_length=self.field.max_length)
                self.saved.append(name)
            image.file.name = name
        return image

    def _replace(self, pk, new):
        """The attachment changed in WordPress: the image takes its new title, alt text and file."""
        image = NewsImage.objects.get(pk=pk)
        image.title, image.description = new.title, new.description
        if new.file_hash != image.file_hash:
            image.renditions.all().delete()
            image.file.name = new.file.name
            image.width, image.height = new.width, new.height
            image.file_size, image.file_hash = new.file_size, new.file_hash
        image.save()

    def discard(self):
        """Delete the files this import copied (it failed, and its rows are gone)."""
        for name in self.saved:
            self.storage.delete(name)
        self.saved = []

    def close(self):
        if self.downloads is not None:
            self.downloads.cleanup()
            self.downloads = None

    # --- images for posts (the second pass) -----------------------------------------------

    def image_for(self, url, attachment_id=None):
        """The image id for an image in a post's content, by attachment id or address; ``None`` if missing."""
        attachment = None
        if attachment_id:
            try:
                attachment = self.attachments.get(int(attachment_id))
            except (TypeError, ValueError):
                attachment = None
        if (attachment is None or attachment.image_id is None) and url:
            wp_id = self.by_url.get(url_key(url))
            attachment = self.attachments.get(wp_id) if wp_id is not None else attachment
        return attachment.image_id if attachment is not None else None

    def lead(self, item):
        """``(image id, alt text, caption)`` for a post's featured image, or ``None``."""
        value = (item.meta.get("_thumbnail_id") or "").strip()
        if not value.isdigit():
            return None
        attachment = self.attachments.get(int(value))
        if attachment is None:
            self.job.summary.missing_media.append(
                f"featured image of {item.post_type} {item.wp_id} (attachment {value} is not in the export)"
            )
            return None
        if attachment.image_id is None:
            return None
        alt = attachment.alt or attachment.title
        return attachment.image_id, alt, attachment.caption
