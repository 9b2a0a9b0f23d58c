import re
from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode

from django.template.response import TemplateResponse
from django.utils import timezone

from ..newsroom import images, reader_input
from ..newsroom.models import ArticlePage, AuthorPage
from ..newsroom.pagination import paginate
from ..newsroom.querysets import site_articles
from ..query_parameters import reads_query
from .highlight import highlight

WORD = re.compile(r"\w+")
MAX_QUERY_LENGTH = 200
MAX_RESULTS = 500  # more than anyone pages through; keeps a vague query cheap
# The days a reader may search between: wider than any archive, and far from the ends of the calendar (years 1
# and 9999), where a day's first moment in the site's time zone, or the next day's, is no datetime at all.
EARLIEST_DATE, LATEST_DATE = date(1900, 1, 1), date(2100, 12, 31)


@reads_query("q", "section", "author", "from", "to", "page")
def search(request):
    """/search/?q=…: this site's public articles, most relevant first, filtered by section, author and dates.

    The search backend ranks live articles; the site's own rules (public,
    this site) and the reader's filters then narrow that ranking, so a
    private article never shows. A filter that cannot be used (a date that
    is not one, a section that cannot exist) is left out and said so beside
    the form: the page answers 400 then.
    """
    query = reader_input.words(request.GET.get("q", ""), MAX_QUERY_LENGTH)
    articles, site = site_articles(request)
    filters, problems = _filters(request)
    context = {
        "query": query,
        "results": None,
        "filters": filters,
        "problems": problems,
        "authors": AuthorPage.objects.live().descendant_of(site.root_page).order_by("title").only("title", "slug"),
        "query_string": urlencode({"q": query, **{k: v for k, v in filters.items() if v}}),
    }
    if query:
        ranked = _ranked_ids(query)
        if filters["section"]:
            articles = articles.filter(section__slug=filters["section"])
        if filters["author"]:
            articles = articles.filter(bylines__author__slug=filters["author"]).distinct()
        if filters["from"]:
            articles = articles.filter(first_published_at__gte=_start_of(filters["from"]))
        if filters["to"]:
            articles = articles.filter(first_published_at__lt=_start_of(filters["to"]) + timedelta(days=1))
        found = set(articles.filter(pk__in=ranked).values_list("pk", flat=True))
        results = paginate(request, [pk for pk in ranked if pk in found])
        # Only the page shown is loaded, with what its cards show.
        shown = ArticlePage.objects.filter(pk__in=results.object_list).for_listing().defer_streamfields()
        shown = {article.pk: article for article in shown.with_bylines()}
        results.object_list = [shown[pk] for pk in results.object_list if pk in shown]
        images.prefetch_renditions([article.lead_image for article in results.object_list])
        words = WORD.findall(query)
        for article in results:
            article.title_marked = highlight(article.title, words)
            article.snippet = highlight(article.standfirst, words)
        context["results"] = results
    return TemplateResponse(request, "search/search.html", context, status=400 if problems else 200)


def _ranked_ids(query):
    """Ids of live articles matching the words of ``query``, most relevant first.

    Only the words go to the backend: quotes, brackets and operators mean
    something to SQLite FTS5 and an unbalanced one is a syntax error there.
    """
    words = " ".join(WORD.findall(query))
    if not words:
        return []
    return [page.pk for page in ArticlePage.objects.live().defer_streamfields().search(words)[:MAX_RESULTS]]


def _filters(request):
    """The reader's filters, and a message for each that cannot be used (that filter is left out).

    A section or author is a slug, and one that could not be a slug (a NUL
    character, punctuation) is a message here rather than a database error;
    dates are calendar days between ``EARLIEST_DATE`` and ``LATEST_DATE``.
    """
    filters, problems = {}, []
    for name, label in (("section", "Section"), ("author", "Author")):
        value = request.GET.get(name, "").strip()
        filters[name] = ""
        if value and not reader_input.is_slug(value):
            problems.append(f"{label}: we have no {name} by that name. Choose one from the list, or All {name}s.")
        else:
            filters[name] = value
    for name, label in (("from", "From"), ("to", "To")):
        value = request.GET.get(name, "").strip()
        filters[name] = ""
        if not value:
            continue
        try:
            day = date.fromisoformat(value)
        except ValueError:
            shown = reader_input.printable(value)[:40]
            problems.append(f"{label}: “{shown}” is not a date. Enter it as YYYY-MM-DD, for example 2026-11-27.")
            continue
        if not EARLIEST_DATE <= day <= LATEST_DATE:
            problems.append(
                f"{label}: {day.isoformat()} is outside the archive. "
                f"Enter a date between {EARLIEST_DATE.year} and {LATEST_DATE.year}."
            )
            continue
        filters[name] = day.isoformat()
    return filters, problems


def _start_of(day):
    return timezone.make_aware(datetime.combine(date.fromisoformat(day), time.min))
