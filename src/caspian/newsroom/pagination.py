"""Pages of listings: search results by number, archive listings by position.

An archive listing (a section, a year, an author, a tag) is newest first
and can run to 100,000 articles. Django's paginator counts them on every
view, and a deep ``?page=`` makes the database skip every article before
it (``OFFSET``). :func:`listing_page` does neither: its Older and Newer
links carry the position they continue from (the publication time and id
of the last or first article shown), so each page is one index range
read, the same cost at page 2 and page 2,000.
"""

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

from django.core.paginator import InvalidPage, Paginator
from django.db.models import Q
from django.http import Http404

from . import images

LISTING_PAGE_SIZE = 20
# What listing_page() reads: a view using it declares these (see caspian.query_parameters).
LISTING_PARAMETERS = ("page", "before", "after")
# Beyond any archive (20 million articles), and small enough for every database's OFFSET.
MAX_LISTING_PAGE = 1_000_000
# The largest id any of our databases stores (SQLite's INTEGER, PostgreSQL's bigint): a cursor naming a larger
# one is junk, and SQLite's driver fails on the number rather than finding nothing.
MAX_ID = 2**63 - 1
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def paginate(request, queryset, per_page=LISTING_PAGE_SIZE):
    """The page of ``queryset`` (a list: search results) asked for by ``?page=``; 404 for pages that don't exist.

    Counts the items: for archive listings use :func:`listing_page`.
    """
    paginator = Paginator(queryset, per_page, allow_empty_first_page=True)
    try:
        return paginator.page(request.GET.get("page", "1"))
    except InvalidPage:
        raise Http404("No such page of results.") from None


class ListingPage(Sequence):
    """One page of an archive listing, found without counting the listing.

    It offers what the listing templates use: ``number``, ``has_previous()``,
    ``has_next()``, ``has_other_pages()``, and the query strings of the
    Newer and Older pages (``newer_query``, ``older_query``); no total.
    """

    def __init__(self, object_list, number, has_previous, has_next):
        self.object_list, self.number = object_list, number
        self._has_previous, self._has_next = has_previous, has_next

    def __len__(self):
        return len(self.object_list)

    def __getitem__(self, index):
        return self.object_list[index]

    def __repr__(self):
        return f"<Listing page {self.number}>"

    def has_next(self):
        return self._has_next

    def has_previous(self):
        return self._has_previous

    def has_other_pages(self):
        return self.has_previous() or self.has_next()

    @property
    def newer_query(self):
        """``?`` + this for the Newer page: the first page is its plain address, the one caches hold."""
        if self.number <= 2:
            return ""
        return urlencode({"page": self.number - 1, "after": _cursor(self.object_list[0])})

    @property
    def older_query(self):
        return urlencode({"page": self.number + 1, "before": _cursor(self.object_list[-1])})


def listing_page(request, queryset, per_page=LISTING_PAGE_SIZE):
    """The :class:`ListingPage` of ``queryset`` (newest first) asked for by the request; 404 if there is none.

    ``?before=`` / ``?after=`` continue from an article (see the module's
    docstring); ``?page=`` only numbers the page, unless it comes alone (an
    older link), when the articles before it are skipped the slow way.
    """
    number = _number(request.GET.get("page", "1"))
    before, after = request.GET.get("before"), request.GET.get("after")
    if after:
        newer = queryset.filter(_newer_than(_position(after))).reverse()
        rows = list(newer[: per_page + 1])[::-1]
        if not rows:
            raise Http404("No such page of results.")
        images.prefetch_renditions([row.lead_image for row in rows[-per_page:]])
        return ListingPage(rows[-per_page:], number, has_previous=len(rows) > per_page, has_next=True)
    if before:
        rows = list(queryset.filter(~_newer_than(_position(before), inclusive=True))[: per_page + 1])
    else:
        start = (number - 1) * per_page
        rows = list(queryset[start : start + per_page + 1])
    if not rows and (number > 1 or before):
        raise Http404("No such page of results.")
    images.prefetch_renditions([row.lead_image for row in rows[:per_page]])
    return ListingPage(rows[:per_page], number, has_previous=number > 1, has_next=len(rows) > per_page)


def _number(value):
    try:
        number = int(value)
    except ValueError:
        raise Http404("No such page of results.") from None
    if not 1 <= number <= MAX_LISTING_PAGE:
        raise Http404("No such page of results.")
    return number


def _cursor(article):
    """Where a listing continues from ``article``: its publication time in microseconds and its id."""
    return f"{(article.first_published_at - _EPOCH) // _MICROSECOND}-{article.pk}"


def _position(cursor):
    """The (publication time, id) a :func:`_cursor` names; 404 for anything no article could have.

    The time is negative for an article published before 1970 (an imported
    archive): the id is what follows the last ``-``.
    """
    try:
        microseconds, pk = (int(part) for part in cursor.rsplit("-", 1))
        published = _EPOCH + microseconds * _MICROSECOND
    except (ValueError, OverflowError):
        raise Http404("No such page of results.") from None
    if not 1 <= pk <= MAX_ID:
        raise Http404("No such page of results.")
    return published, pk


def _newer_than(position, inclusive=False):
    """Articles listed before the one at ``position`` (newest first: published later, or with a higher id)."""
    published, pk = position
    same_time = Q(first_published_at=published, pk__gte=pk) if inclusive else Q(first_published_at=published, pk__gt=pk)
    return Q(first_published_at__gt=published) | same_time
