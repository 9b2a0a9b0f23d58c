"""The pages an import adds: placed in the tree, written in bulk with one revision each, then indexed."""

from collections import defaultdict
from urllib.parse import unquote

from django.conf import settings
from django.urls import Resolver404, resolve

from ..newsroom import bulk


class SiteRootChildren(bulk.Children):
    """Pages right below a site's home page may not take an address the site's own URLs answer.

    A section called "Media" or "Search" would be hidden behind ``/media/``
    or ``/search/``: such slugs get a number, like a slug already taken.
    """

    def taken(self, slug):
        if super().taken(slug) or f"/{slug}/" == settings.STATIC_URL:
            return True
        return any(answered_by_site(f"/{slug}/{rest}") for rest in ("", "2024/", "2024/a-story/"))


def answered_by_site(path):
    """Whether one of the site's own URLs (not a page) answers ``path``."""
    try:
        return resolve(unquote(path)).url_name != "wagtail_serve"
    except Resolver404:
        return False


class Tree:
    """Where new pages go (one :class:`~caspian.newsroom.bulk.Children` per parent) and their writing.

    Pages are written with :func:`~caspian.newsroom.bulk.insert_pages`
    and get one revision each (:func:`~caspian.newsroom.bulk.add_revisions`),
    so the admin shows their history. They are added to the search
    ``backends`` in bulk by :meth:`index`; the reference index is not
    filled (``caspian manage rebuild_references_index`` does it).
    """

    def __init__(self, backends):
        self.backends = backends
        self.parents = {}  # page pk -> Children
        self.unindexed = defaultdict(list)  # model -> pages

    def below(self, parent):
        """The :class:`~caspian.newsroom.bulk.Children` of ``parent`` (read once; pages written here start empty)."""
        children = self.parents.get(parent.pk)
        if children is None:
            kind = SiteRootChildren if parent.depth == 2 else bulk.Children
            children = self.parents[parent.pk] = kind(parent)
        return children

    def place(self, parent, page, slug):
        """Give the unsaved ``page`` a free slug and its position below ``parent``."""
        return self.below(parent).place(page, slug)

    def write(self, pages):
        """Write placed pages of one model, each with a revision; they get their primary keys."""
        if not pages:
            return
        bulk.insert_pages(pages)
        bulk.add_revisions(pages)
        if type(pages[0]).allowed_subpage_models():
            for page in pages:  # known to have no children: no need to ask
                self.parents[page.pk] = bulk.Children(page, empty=True)
        # Counted at once: Wagtail's own add_child and move (used for updates)
        # give a parent without children the first position, then collide.
        bulk.count_children(self.parents.values())
        self.unindexed[type(pages[0])].extend(pages)

    def create(self, parent, page, slug):
        """Place and write one page below ``parent``; returns it, saved."""
        self.place(parent, page, slug)
        self.write([page])
        return page

    def forget(self, parent):
        """Read ``parent``'s children again next time: Wagtail's API (a move) has added one."""
        self.parents.pop(parent.pk, None)

    def index(self):
        """Add the pages written since the last call to the search backends."""
        for model, pages in self.unindexed.items():
            for backend in self.backends:
                backend.add_bulk(model, pages)
        self.unindexed.clear()

    def finish(self):
        """Count the new children into their parents' ``numchild`` and index what is left."""
        bulk.count_children(self.parents.values())
        self.index()
