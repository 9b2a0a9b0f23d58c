"""Authors: a WordPress login becomes an author page, the first time an imported post needs its byline.

The export's ``wp:author`` list gives names; a post whose ``dc:creator``
is not on the list (some exports have no list at all) still gets an
author, named after the login. An author already on the site with the
same name (or the slug that name or login makes) is used, not duplicated.
"""

from ..newsroom import bulk
from ..newsroom.models import AuthorIndexPage, AuthorPage
from .ledger import checksum
from .models import Kind
from .text import one_line, plain_text, shorten

BIO_LENGTH = 600  # AuthorPage.bio's limit


def login_key(login):
    """A login as written in ``dc:creator``, tidied: surrounding spaces and stray angle brackets go.

    The theme unit test data has ``>themereviewteam`` beside ``themereviewteam``.
    """
    return (login or "").strip().strip("<>").strip()


class People:
    def __init__(self, job):
        self.job = job
        self.declared = {}  # login -> records.Author
        self.authors = {}  # login -> AuthorPage
        self.index = None
        self.existing = None  # lower-cased name or slug -> AuthorPage, read when first needed

    def declare(self, author):
        login = login_key(author.login)
        if login:
            self.declared.setdefault(login, author)

    def finish(self):
        """Count the declared authors with no imported post as skipped."""
        unused = sum(1 for login in self.declared if login not in self.authors)
        if unused:
            self.job.summary.skip("authors", "no imported post by them", unused)

    def author(self, login):
        """The author page for a login, or ``None`` for an empty one."""
        login = login_key(login)
        if not login:
            return None
        page = self.authors.get(login)
        if page is None:
            page = self.authors[login] = self._find_or_create(login)
        return page

    def _find_or_create(self, login):
        job = self.job
        record = self.declared.get(login)
        name, bio = login, ""
        if record is not None:
            full_name = " ".join(part for part in (record.first_name.strip(), record.last_name.strip()) if part)
            name = one_line(record.display_name) or full_name or login
            bio = shorten(plain_text(record.description), BIO_LENGTH)
        name = name[:255]
        digest = checksum(name, bio)
        entry = job.ledger.find(Kind.AUTHOR, login)
        page = AuthorPage.objects.filter(pk=entry.object_id).first() if entry is not None else None
        if page is not None and entry.checksum != digest:
            page.title = page.draft_title = name
            if bio:
                page.bio = bio
            revision = page.save_revision(log_action=True)
            if page.live:
                revision.publish(log_action=True)
            job.summary.add("authors", "updated")
        elif page is not None:
            job.summary.add("authors", "unchanged")
        else:
            page = self._match(name, login)
            if page is not None:
                job.summary.add("authors", "unchanged")
            else:
                page = self._create(name, bio)
                job.summary.add("authors", "imported")
        job.ledger.record(Kind.AUTHOR, login, AuthorPage, page.pk, digest)
        return page

    def _match(self, name, login):
        if self.existing is None:
            self.existing = {}
            for page in AuthorPage.objects.descendant_of(self.job.home).order_by("path"):
                self.existing.setdefault(page.title.lower(), page)
                self.existing.setdefault(page.slug, page)
        for key in (name.lower(), bulk.slug_from(name, 255, default=""), bulk.slug_from(login, 255, default="")):
            if key and key in self.existing:
                return self.existing[key]
        return None

    def _create(self, name, bio):
        job = self.job
        now = job.now
        page = AuthorPage(
            title=name,
            bio=bio,
            live=True,
            first_published_at=now,
            last_published_at=now,
            latest_revision_created_at=now,
        )
        job.tree.create(self._index(), page, bulk.slug_from(name, 255, default="author"))
        self.existing[page.title.lower()] = self.existing[page.slug] = page
        return page

    def _index(self):
        """The site's authors page, created (``/authors/``) if it has none."""
        if self.index is None:
            self.index = AuthorIndexPage.objects.child_of(self.job.home).first()
        if self.index is None:
            now = self.job.now
            self.index = AuthorIndexPage(
                title="Authors",
                live=True,
                first_published_at=now,
                last_published_at=now,
                latest_revision_created_at=now,
            )
            self.job.tree.create(self.job.home, self.index, "authors")
        return self.index
