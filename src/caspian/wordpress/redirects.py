"""Old addresses → Wagtail redirects (301) to the imported pages.

Each imported post and page keeps its old permalink (the path of its
``link``, and of its previous slug when WordPress recorded one) and its
short address (``/?p=ID`` for posts, ``/?page_id=ID`` for pages). Wagtail's
redirect middleware answers the paths; the home page answers the ones
with a query (see :meth:`caspian.newsroom.models.HomePage.serve`).

Redirects are keyed on their old path: a second import updates the ones
it made, and never overrides one an editor made by hand.
"""

import re
from urllib.parse import urlsplit

from wagtail.contrib.redirects.models import Redirect

from ..newsroom.bulk import insert_rows
from .tree import answered_by_site

PATH_LENGTH = Redirect._meta.get_field("old_path").max_length
BATCH = 500
FIELDS = [
    Redirect._meta.get_field(name)
    for name in (
        "old_path", "site", "redirect_page", "is_permanent", "automatically_created", "redirect_link",
        "redirect_page_route_path", "created_at",
    )
]  # fmt: skip


class Redirects:
    """Redirects for the old addresses of the imported pages, decided and written a chunk at a time."""

    def __init__(self, job):
        self.job = job
        self.queued = {}  # old path -> page id
        self.home_path = job.home.url_path

    def add(self, item, page_id, url_path):
        """Redirect the old addresses of ``item`` to the page ``page_id`` (at ``url_path`` in the tree)."""
        new_path = Redirect.normalise_path(url_path[len(self.home_path) - 1 :])
        query = f"/?p={item.wp_id}" if item.post_type == "post" else f"/?page_id={item.wp_id}"
        paths = [_path(item.link), query]
        old_slug = (item.meta.get("_wp_old_slug") or "").strip()
        link_path = urlsplit(item.link or "").path.rstrip("/")
        if old_slug and item.slug and link_path.endswith(f"/{item.slug}"):
            paths.append(_path(f"{link_path[: -len(item.slug)]}{old_slug}/"))
        for path in dict.fromkeys(path for path in paths if path):
            reason = self._unwanted(path, new_path)
            if reason:
                self.job.summary.skip("redirects", reason)
            elif path in self.queued:
                self.job.summary.skip("redirects", "another imported page has this old address")
            else:
                self.queued[path] = page_id

    def _unwanted(self, path, new_path):
        if path == "/":
            return "the site's home address"
        if path == new_path:
            return "the page keeps its address"
        if "?" not in path and answered_by_site(f"{path}/"):
            return "the old address is one of Caspian's own (e.g. /search/)"
        if len(path) > PATH_LENGTH:
            return f"old address longer than {PATH_LENGTH} characters"
        return ""

    def flush(self):
        """Write the queued redirects; keep those an editor made, update those an import made."""
        job, summary = self.job, self.job.summary
        queued, self.queued = self.queued, {}
        paths = list(queued)
        existing = {}
        for start in range(0, len(paths), BATCH):
            found = Redirect.get_for_site(job.site).filter(old_path__in=paths[start : start + BATCH])
            columns = ("old_path", "pk", "redirect_page_id", "automatically_created", "created_at")
            existing.update((row[0], row[1:]) for row in found.values_list(*columns))
        new, changed = [], []
        for path, page_id in queued.items():
            found = existing.get(path)
            if found is None:
                new.append((path, job.site.pk, page_id, True, True, "", "", job.now))
                summary.add("redirects", "imported")
            elif found[1] == page_id:
                summary.add("redirects", "unchanged")
            elif not found[2]:
                summary.skip("redirects", "an editor's redirect already uses the old address")
            elif found[3] == job.now:
                summary.skip("redirects", "another imported page has this old address")
            else:
                changed.append(Redirect(pk=found[0], redirect_page_id=page_id, redirect_link=""))
                summary.add("redirects", "updated")
        insert_rows(Redirect, FIELDS, new)
        Redirect.objects.bulk_update(changed, ["redirect_page", "redirect_link"], batch_size=BATCH)


def _path(link):
    """The normalised path (and query) of an old address, as Wagtail's redirects store it; "" for none."""
    link = (link or "").strip()
    if not link:
        return ""
    parts = urlsplit(link)
    if parts.scheme not in ("", "http", "https"):
        return ""
    # WordPress answers /a//b/ as /a/b/, and some exports write links that way.
    path = re.sub("/{2,}", "/", parts.path)
    return Redirect.normalise_path(parts._replace(scheme="", netloc="", path=path).geturl())
