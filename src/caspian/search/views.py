import re
from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode

from django.template.response import TemplateResponse
from django.utils import timezone

from ..newsroom.listings import site_articles
from ..newsroom.models import ArticlePage, AuthorPage
from ..newsroom.pagination import paginate
from .highlight import highlight

WORD = re.compile(r"\w+")
MAX_QUERY_LENGTH = 200
MAX_RESULTS = 500  # more than anyone pages through; keeps a vague query cheap


def search(request):
    """/search/?q=…: this site's public articles, most relevant first, filtered by section, author and dates.

    The search backend ranks live articles; the site's own rules (public,
    this site) and the reader's filters then narrow that ranking, so a
    private article never shows.
    """
    query = " ".join(request.GET.get("q", "").split())[:MAX_QUERY_LENGTH]
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
        words = WORD.findall(query)
        for article in results:
            article.title_marked = highlight(article.title, words)
            article.snippet = highlight(article.standfirst, words)
        context["results"] = results
    return TemplateResponse(request, "search/search.html", context)


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
    """The reader's filters, and a message for each date that is not a date (that filter is left out)."""
    filters = {"section": request.GET.get("section", "")[:100], "author": request.GET.get("author", "")[:100]}
    problems = []
    for name, label in (("from", "From"), ("to", "To")):
        value = request.GET.get(name, "").strip()
        try:
            filters[name] = date.fromisoformat(value).isoformat() if value else ""
        except ValueError:
            filters[name] = ""
            problems.append(f"{label}: “{value[:40]}” is not a date; use the form 2026-11-27.")
    return filters, problems


def _start_of(day):
    return timezone.make_aware(datetime.combine(date.fromisoformat(day), time.min))
