"""Articles' dated claims: found in their text on every publication, and listed once their day has passed.

:func:`record_claims` is called when an article (or live blog) is
published: it replaces the article's :class:`~caspian.newsroom.models.DatedClaim`
rows by the claims :mod:`caspian.newsroom.claims` finds in the text just
published. :func:`record_all` does the same for every live article (``caspian
manage find_dated_claims``), for articles written in bulk or published before
claims were recorded. :func:`stale` is what the stale-claim report lists.

Dates in an article's text are read relative to its first publication,
in its publication's time zone: that is the date readers see on it. A live
blog entry's are read relative to the entry's own time.
"""

import html
import logging
import re
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import TruncDate
from django.db.models.lookups import LessThan
from django.utils import timezone
from django.utils.html import strip_tags
from wagtail.models import Site

from . import claims
from .models import ArticleCorrection, ArticlePage, DatedClaim, LiveBlogPage, PublicationSettings

logger = logging.getLogger(__name__)

# Block-level tags: where imported or rich text breaks into paragraphs (and so sentences).
BLOCK_BREAK = re.compile(
    r"<(?:/?(?:p|div|li|ul|ol|h[1-6]|blockquote|pre|table|tr|td|th|caption|section|article|aside|figure"
    r"|figcaption|dl|dt|dd|details|summary)\b[^>]*|br\s*/?)>",
    re.IGNORECASE,
)
# Blocks whose text is not the article's own statement: an embedded post, an image's caption.
BLOCKS_NOT_READ = {"image", "embed"}
SENTENCE_LENGTH = 1000  # characters of a sentence kept; a table read as text can be one long "sentence"
PHRASE_LENGTH = DatedClaim._meta.get_field("phrase").max_length
RECORD_BATCH = 200


def record_claims(article, zones=None):
    """Replace ``article``'s dated claims by those in its text as it is now; returns the :class:`~.claims.Claim` s.

    ``article`` is the specific page (a live blog's entries are read too).
    ``zones`` is :func:`publication_zones`, if the caller has it already.
    Called while the article is being published: should reading its text
    fail, the error is logged and its claims stay as they were, since a
    report must never stop a story going out.
    """
    try:
        found = claims.find_claims_in(passages(article, zone_for(article.path, zones or publication_zones())))
    except Exception:
        logger.exception(
            "Could not read the dated claims of %r (page %s); its claims are unchanged.", article, article.pk
        )
        return []
    with transaction.atomic():
        DatedClaim.objects.filter(article_id=article.pk).delete()
        DatedClaim.objects.bulk_create(_rows(article.pk, found))
    return found


def record_all(progress=lambda done, total: None, batch_size=RECORD_BATCH):
    """Find the dated claims of every live article again; returns how many claims were found.

    A batch of ``batch_size`` articles at a time, each batch in its own
    transaction; ``progress(done, total)`` after each. Claims of articles
    that are not live are kept (the report leaves them out), so a
    republished article's reappear at once.
    """
    ids = list(ArticlePage.objects.live().order_by("pk").values_list("pk", flat=True))
    zones, found = publication_zones(), 0
    for done in range(0, len(ids), batch_size):
        batch = ids[done : done + batch_size]
        rows = []
        for article in ArticlePage.objects.filter(pk__in=batch).specific():
            article_claims = claims.find_claims_in(passages(article, zone_for(article.path, zones)))
            rows += _rows(article.pk, article_claims)
        with transaction.atomic():
            DatedClaim.objects.filter(article_id__in=batch).delete()
            DatedClaim.objects.bulk_create(rows)
        found += len(rows)
        progress(min(done + batch_size, len(ids)), len(ids))
    return found


def _rows(article_id, found):
    return [
        DatedClaim(
            article_id=article_id,
            sentence=_excerpt(claim.sentence, claim.phrase),
            phrase=claim.phrase[:PHRASE_LENGTH],
            resolves_on=claim.resolves_on,
        )
        for claim in found
    ]


def _excerpt(sentence, phrase):
    """``sentence``, or the part of it around ``phrase`` when it is longer than :data:`SENTENCE_LENGTH`."""
    if len(sentence) <= SENTENCE_LENGTH:
        return sentence
    middle = max(sentence.find(phrase), 0) + len(phrase) // 2
    start = max(0, min(middle - SENTENCE_LENGTH // 2, len(sentence) - SENTENCE_LENGTH + 2))
    excerpt = sentence[start : start + SENTENCE_LENGTH - 2]
    return ("…" if start else "") + excerpt + ("…" if start + len(excerpt) < len(sentence) else "")


# --- an article's text ----------------------------------------------------------------------------


def passages(article, zone):
    """The :class:`~.claims.Passage` s of ``article``'s text, each with the day (in ``zone``) it was written."""
    written = timezone.localdate(article.first_published_at or article.last_published_at or timezone.now(), zone)
    yield claims.Passage(article.title, written)
    yield claims.Passage(article.standfirst, written)
    for block in article.body:
        if block.block_type not in BLOCKS_NOT_READ:
            yield claims.Passage("\n".join(block_texts(block)), written)
    if isinstance(article, LiveBlogPage):
        for entry in article.entries.all():
            posted = timezone.localdate(entry.posted_at, zone) if entry.posted_at else written
            yield claims.Passage(f"{entry.headline}\n{html_text(entry.body)}", posted)


def block_texts(block):
    """The plain text of one body block, a paragraph a string."""
    kind, value = block.block_type, block.value
    if kind == "paragraph":
        return [html_text(value.source)]
    if kind == "heading":
        return [value]
    if kind == "quote":
        return [value["text"]]
    if kind == "fact_box":
        return [value["title"], html_text(value["body"].source)]
    if kind == "html":
        return [html_text(str(value))]
    return [strip_tags(text) for text in block.block.get_searchable_content(value)]


def html_text(markup):
    """The text of an HTML fragment, a line per paragraph, list item or table cell."""
    return html.unescape(strip_tags(BLOCK_BREAK.sub("\n", str(markup or ""))))


# --- time zones -----------------------------------------------------------------------------------


def publication_zones():
    """``(root page path, ZoneInfo)`` for every site, the deepest root first; the default zone last, for ``""``."""
    names = dict(PublicationSettings.objects.values_list("site_id", "time_zone"))
    default = PublicationSettings._meta.get_field("time_zone").default
    zones = [
        (path, ZoneInfo(names.get(site_id) or default))
        for site_id, path in Site.objects.values_list("pk", "root_page__path")
    ]
    return sorted(zones, key=lambda zone: len(zone[0]), reverse=True) + [("", ZoneInfo(default))]


def zone_for(path, zones):
    """The time zone of the publication whose tree holds the page at ``path``."""
    return next(zone for root, zone in zones if path.startswith(root))


# --- the report -----------------------------------------------------------------------------------


def stale(now=None):
    """The dated claims of live articles whose day has passed and that were not updated since.

    Passed: before today in the article's publication's time zone. Not
    updated since: no material update (``updated_at``) nor correction
    published on or after the claim's day, in that zone. Only articles
    under a site (readers cannot reach the others).
    """
    now = now or timezone.now()
    passed = Q(pk__in=[])
    for root, zone in publication_zones()[:-1]:
        updated_on = TruncDate("article__updated_at", tzinfo=zone)
        passed |= (
            Q(article__path__startswith=root, resolves_on__lt=timezone.localdate(now, zone))
            & (Q(article__updated_at__isnull=True) | LessThan(updated_on, F("resolves_on")))
            & ~Exists(
                ArticleCorrection.objects.filter(article_id=OuterRef("article_id"))
                .annotate(day=TruncDate("published_at", tzinfo=zone))
                .filter(day__gte=OuterRef("resolves_on"))
            )
        )  # fmt: skip
    return DatedClaim.objects.filter(article__live=True).filter(passed)
