"""The age banner: how old an article is, in words, as of today in the publication's time zone.

An article older than the site's ``PublicationSettings.age_banner_months``
shows readers a banner such as "This article is more than 2 years old".
It is worked out when the page is rendered, from the article's first
publication date and today's date, both in the publication's time zone.

It needs nothing from the page cache: it depends only on the date, and
cached pages expire at the publication's midnight at the latest (see
``caspian.pagecache.middleware``), so a page rendered today is never
served after the day it was rendered for.

Months are calendar months: an article is more than ``n`` months old from
the day after the same day of the month ``n`` months on, or after that
month's last day when it is shorter (published on 31 January, it is more
than a month old from 1 March; on 29 February, more than a year old from
1 March of the next year).
"""

import calendar
import zoneinfo
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from . import sites
from .models import PublicationSettings

_today = ContextVar("caspian_freshness_today", default=None)


@dataclass(frozen=True)
class AgeBanner:
    """What the banner says (``text``) and the first publication date (in the publication's time zone)."""

    text: str
    published: date


def add_months(day, months):
    """``day`` ``months`` calendar months on, on the last day of the month when that month is shorter."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def months_older_than(published, today):
    """The most whole months an article published on ``published`` is *more* than old on ``today`` (0 or more)."""
    months = (today.year - published.year) * 12 + today.month - published.month
    while months > 0 and add_months(published, months) >= today:
        months -= 1
    return max(months, 0)


def describe(months):
    """ "more than … old" for an age of more than ``months`` whole months (``months`` >= 1).

    The wording stays calm and coarse, and always true: under a year it
    gives the months ("more than 7 months old"); from 12 to 17 months "more
    than a year old"; from 18 to 23 months "more than 18 months old"; from
    two years on, whole years ("more than 3 years old").
    """
    if months >= 24:
        return f"more than {months // 12} years old"
    if months >= 18:
        return "more than 18 months old"
    if months >= 12:
        return "more than a year old"
    if months == 1:
        return "more than a month old"
    return f"more than {months} months old"


def banner_text(published, today, threshold_months):
    """The banner's sentence for an article first published on ``published``, or ``None`` when it has none.

    Shown once the article is more than ``threshold_months`` old; a
    threshold of 0 turns the banner off.
    """
    if threshold_months <= 0:
        return None
    months = months_older_than(published, today)
    if months < threshold_months:
        return None
    return f"This article is {describe(months)}."


def today(zone):
    """Today's date in ``zone``; inside :func:`as_of`, the day it names."""
    return _today.get() or timezone.localdate(timezone=zone)


@contextmanager
def as_of(day):
    """Render pages as if today were ``day`` (a ``date``), e.g. to see when an article's banner appears.

    The one seam for "today" in this module: the clock itself is not
    replaced, so the page cache still expires entries by the real one.
    """
    token = _today.set(day)
    try:
        yield
    finally:
        _today.reset(token)


def age_banner(article, request):
    """The :class:`AgeBanner` ``article`` shows readers of the site answering ``request``, or ``None``.

    Reads the threshold and time zone from the cached site settings (no
    query once they are cached). An article never published (a preview)
    has no banner.
    """
    if article.first_published_at is None:
        return None
    publication = sites.site_setting(PublicationSettings, request)
    zone = zoneinfo.ZoneInfo(publication.time_zone or "UTC")
    published = timezone.localtime(article.first_published_at, zone).date()
    text = banner_text(published, today(zone), publication.age_banner_months)
    return AgeBanner(text, published) if text else None
