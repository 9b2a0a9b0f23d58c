"""Events as partners receive them: the payload of each, and recording it once the publication commits.

A payload follows Standard Webhooks' shape::

    {"type": "article.published", "timestamp": "2026-12-08T04:10:00Z", "data": {...}}

``data`` describes the article (id, headline, standfirst, canonical URL,
section, first published, last updated, ``api_url``), plus the
correction, the material update or the live blog entry the event is
about. It links to the content API for the rest rather than carrying the
article.

Only what readers can see is told: an article inside a view-restricted
(private, password or group) part of the tree produces no event, and
its unpublication or deletion is told only if it was public then.
"""

import json
import logging
from datetime import UTC

from django.db import transaction
from django.utils import timezone

from caspian.newsroom.models import ArticleCorrection, ArticlePage, ArticleUpdate, LiveBlogEntry, LiveBlogPage
from caspian.newsroom.querysets import outside_restrictions

from .models import Delivery, Endpoint, Event

logger = logging.getLogger(__name__)


def iso(moment):
    """``moment`` in ISO 8601, in UTC with a ``Z``; ``None`` stays ``None``."""
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def api_url(article):
    """The article in the content API, on its own site's root URL (where its ``url`` is); ``None`` on no site."""
    parts = article.get_url_parts()
    if parts is None:
        return None
    _, root_url, _ = parts
    return f"{root_url.rstrip('/')}/api/v1/articles/{article.pk}/"


def article_data(article):
    """What every event says about ``article`` (an ``ArticlePage``, a live blog's too; it may be being deleted)."""
    section = article.section if article.section_id else None
    specific_class = article.specific_class
    return {
        "id": article.pk,
        "kind": "live_blog" if specific_class and issubclass(specific_class, LiveBlogPage) else "article",
        "headline": article.title,
        "standfirst": article.standfirst,
        "url": article.get_full_url(),
        "section": {"id": section.pk, "title": section.title} if section else None,
        "first_published_at": iso(article.first_published_at),
        "last_updated_at": iso(article.updated_at or article.first_published_at),
        "api_url": api_url(article),
    }


def _article(page_id):
    """The article, if it is public now (live, and outside every view-restricted part of the tree)."""
    return ArticlePage.objects.public_articles().select_related("section").filter(pk=page_id).first()


def is_unrestricted(page_id):
    """Whether the article ``page_id`` is outside every view-restricted part of the tree now, live or not.

    For a deletion: it is told about only if readers could see the article,
    so only if no restriction was on it or above it at the time.
    """
    return ArticlePage.objects.filter(outside_restrictions(), pk=page_id).exists()


def _republished(article):
    """Whether ``article`` is live from a publication after its first (not its first, nor a scheduled one)."""
    return bool(
        article
        and article.live
        and article.first_published_at
        and article.last_published_at
        and article.last_published_at > article.first_published_at
    )


def published_data(page_id):
    article = _article(page_id)
    return article_data(article) if article and article.live else None


def unpublished_data(page_id):
    """The article, if it is not live now and is outside every restriction (it was public until now)."""
    article = ArticlePage.objects.select_related("section").filter(outside_restrictions(), pk=page_id).first()
    return article_data(article) if article and not article.live else None


def public_article_ids_under(page):
    """The ids of the public articles at or below ``page``: those a new view restriction on it would hide."""
    return list(ArticlePage.objects.public_articles().filter(path__startswith=page.path).values_list("pk", flat=True))


# Read this many articles at a time: SQLite limits the parameters of a query.
CHUNK = 500


def hidden_data(page_ids):
    """Data for each of ``page_ids`` (public until now) that is still live but no longer public: restricted."""
    found = []
    for start in range(0, len(page_ids), CHUNK):
        chunk = page_ids[start : start + CHUNK]
        still_public = ArticlePage.objects.public_articles().filter(pk__in=chunk).values("pk")
        hidden = ArticlePage.objects.live().select_related("section").filter(pk__in=chunk)
        found += [article_data(article) for article in hidden.exclude(pk__in=still_public).order_by("path")]
    return found


def updated_data(update_id):
    update = ArticleUpdate.objects.filter(pk=update_id).first()
    article = _article(update.article_id) if update else None
    if not _republished(article):
        return None
    return {**article_data(article), "update": {"note": update.note, "published_at": iso(update.published_at)}}


def corrected_data(correction_id):
    """The correction and its article, if it was published with a later publication of a live article.

    A correction that came with the first publication is part of the new
    story: nothing to tell.
    """
    correction = ArticleCorrection.objects.filter(pk=correction_id).first()
    article = _article(correction.article_id) if correction else None
    if not _republished(article):
        return None
    return {
        **article_data(article),
        "correction": {"id": correction.pk, "text": correction.text, "published_at": iso(correction.published_at)},
    }


def entry_added_data(entry_id):
    """The new entry and its live blog, if the entry was published after the live blog's first publication."""
    entry = LiveBlogEntry.objects.filter(pk=entry_id).first()
    article = _article(entry.live_blog_id) if entry else None
    if not _republished(article):
        return None
    return {
        **article_data(article),
        "entry": {
            "id": entry.pk,
            "posted_at": iso(entry.posted_at),
            "headline": entry.headline,
            "text": entry.text,
            "url": f"{article.get_full_url()}#{entry.anchor}",
        },
    }


def announce(event_type, data):
    """Record ``event_type`` once the current transaction commits; ``data()`` builds its data then.

    Called from the signal receivers, inside the publication's transaction:
    a publication rolled back announces nothing, and the data is read as
    committed (after the newsroom's own bookkeeping). ``data()`` returning
    ``None`` means there is nothing to tell after all. A failure here is
    logged, never the publication's.
    """

    def one():
        found = data()
        return [] if found is None else [found]

    announce_each(event_type, one)


def announce_each(event_type, data):
    """As :func:`announce`, for several articles at once: ``data()`` returns a list, one event per item."""

    def record_now():
        try:
            endpoints = Endpoint.objects.subscribed_to(event_type)
            for found in data() if endpoints else []:  # no one to tell: no need to read the articles
                record(event_type, found, endpoints=endpoints)
        except Exception:  # the publication is committed; it must not fail for a webhook  # noqa: BLE001
            logger.exception("Could not record the webhook event %s", event_type)

    transaction.on_commit(record_now)


def record(event_type, data, now=None, endpoints=None):
    """Store the event and a delivery, due at once, for each endpoint that subscribed to it (paused ones too).

    ``endpoints``, when given, are those subscribers, already read.
    Returns the :class:`Event`, or ``None`` when no endpoint wants it (then
    nothing is stored). The body is serialised here, once: every attempt
    sends these exact bytes.
    """
    if endpoints is None:
        endpoints = Endpoint.objects.subscribed_to(event_type)
    if not endpoints:
        return None
    now = now or timezone.now()
    payload = {"type": event_type, "timestamp": iso(now), "data": data}
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    with transaction.atomic():
        event = Event.objects.create(
            type=event_type,
            created_at=now,
            page_id=data.get("id"),
            headline=(data.get("headline") or "")[:255],
            body=body,
        )
        Delivery.objects.bulk_create(
            Delivery(event=event, endpoint=endpoint, created_at=now, next_attempt_at=now) for endpoint in endpoints
        )
    return event
