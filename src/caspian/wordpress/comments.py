"""WordPress comments → reader comments (:mod:`caspian.comments`), threads kept.

Replies point at their parent by WordPress id, so a reply whose parent
comes later in the export still finds it: comments are written first and
linked to their parents after. The comment's HTML becomes the plain text
Caspian keeps (links as "text (address)"). Approved, pending, spam and
trash keep their state. Pingbacks and trackbacks are not imported (they
are notices from other sites, not readers' words), nor are comments on
WordPress pages (Caspian takes comments on articles only).
"""

import ipaddress

from ..comments.models import Comment, Status
from .ledger import checksum
from .models import Kind
from .text import one_line, plain_text, shorten

STATUSES = {"1": Status.APPROVED, "approve": Status.APPROVED, "0": Status.PENDING, "hold": Status.PENDING}
STATUSES |= {"spam": Status.SPAM, "trash": Status.TRASH, "post-trashed": Status.TRASH}
NAME_LENGTH = Comment._meta.get_field("author_name").max_length
URL_LENGTH = Comment._meta.get_field("author_url").max_length
EMAIL_LENGTH = Comment._meta.get_field("author_email").max_length
FIELDS = ["body", "author_name", "author_email", "author_url", "status", "created_at", "ip_address"]


class Comments:
    def __init__(self, job):
        self.job = job
        self.new = []  # (wp id, wp parent id, Comment, digest)
        self.changed = []  # (wp id, wp parent id, Comment, digest)
        self.pk_of = {}  # wp comment id -> Comment pk, this import's
        self.articles = set()  # article pks whose comments changed

    def add(self, article_id, item, published):
        """Queue the comments of a post imported as article ``article_id`` (``published``: its date)."""
        summary = self.job.summary
        for record in item.comments:
            if record.type in ("pingback", "trackback"):
                summary.skip("comments", f"{record.type}s are not imported")
                continue
            body = plain_text(record.content, links=True)
            if not body:
                summary.skip("comments", "empty")
                continue
            created = record.date_gmt or self.job.clock.aware(record.date) or published or self.job.now
            comment = Comment(
                article_id=article_id,
                body=body,
                author_name=shorten(one_line(record.author), NAME_LENGTH) or "Anonymous",
                author_email=record.author_email.strip()[:EMAIL_LENGTH],
                author_url=_url(record.author_url),
                status=STATUSES.get(record.approved.strip().lower(), Status.PENDING),
                created_at=created,
                ip_address=_ip(record.author_ip),
            )
            digest = checksum(article_id, record.parent_id, *(getattr(comment, name) for name in FIELDS))
            entry = self.job.ledger.find(Kind.COMMENT, record.wp_id)
            if entry is not None and entry.checksum == digest:
                self.pk_of[record.wp_id] = entry.object_id
                summary.add("comments", "unchanged")
            elif entry is not None:
                comment.pk = entry.object_id
                self.changed.append((record.wp_id, record.parent_id, comment, digest))
            else:
                self.new.append((record.wp_id, record.parent_id, comment, digest))

    def skip_page(self, item):
        """Count the comments of an imported WordPress page: Caspian has comments on articles only."""
        if item.comments:
            self.job.summary.skip("comments", "on a page (Caspian takes comments on articles only)", len(item.comments))

    def skip_post(self, item, reason):
        if item.comments:
            self.job.summary.skip("comments", f"on a skipped post ({reason})", len(item.comments))

    def flush(self):
        """Write the queued comments: replies after their parents, so each is written knowing its parent."""
        job = self.job
        if self.changed:
            self._update()
        waiting = self.new
        while waiting:
            pending = {wp_id for wp_id, *_ in waiting}
            ready = [entry for entry in waiting if entry[1] not in pending or entry[1] == entry[0]]
            if not ready:  # replies in a loop: the rest stand alone
                ready = waiting
            for _, parent_id, comment, _ in ready:
                comment.parent_id = self._parent(parent_id)
            Comment.objects.bulk_create([comment for _, _, comment, _ in ready], batch_size=500)
            for wp_id, _, comment, digest in ready:
                self.pk_of[wp_id] = comment.pk
                job.ledger.record(Kind.COMMENT, wp_id, Comment, comment.pk, digest)
                self.articles.add(comment.article_id)
            job.summary.add("comments", "imported", len(ready))
            done = {id(entry) for entry in ready}
            waiting = [entry for entry in waiting if id(entry) not in done]
        self.new = []
        self.pk_of = {}  # a reply's parent is on the same post: the next chunk needs none of these

    def _update(self):
        """Comments changed in WordPress since the last import (or deleted here since: made again)."""
        job = self.job
        present = set(Comment.objects.filter(pk__in=[c.pk for _, _, c, _ in self.changed]).values_list("pk", flat=True))
        for entry in self.changed:
            if entry[2].pk not in present:
                entry[2].pk = None
                self.new.append(entry)
        changed = [entry for entry in self.changed if entry[2].pk is not None]
        self.pk_of.update((entry[0], entry[2].pk) for entry in changed)
        for wp_id, parent_id, comment, digest in changed:
            comment.parent_id = self._parent(parent_id)
            job.ledger.record(Kind.COMMENT, wp_id, Comment, comment.pk, digest)
            self.articles.add(comment.article_id)
        Comment.objects.bulk_update([c for _, _, c, _ in changed], [*FIELDS, "article", "parent"], batch_size=500)
        job.summary.add("comments", "updated", len(changed))
        self.changed = []

    def _parent(self, wp_id):
        if not wp_id:
            return None
        if wp_id in self.pk_of:
            return self.pk_of[wp_id]
        entry = self.job.ledger.find(Kind.COMMENT, wp_id)
        return entry.object_id if entry is not None else None


def _url(value):
    value = (value or "").strip()
    if value.lower().startswith(("http://", "https://")) and len(value) <= URL_LENGTH:
        return value
    return ""


def _ip(value):
    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError:
        return None
