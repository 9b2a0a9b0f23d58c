import re
from urllib.parse import urlencode

from django.template.response import TemplateResponse

from ..newsroom.listings import site_articles
from ..newsroom.models import ArticlePage
from ..newsroom.models.pages import paginate

WORD = re.compile(r"\w+")
MAX_QUERY_LENGTH = 200
MAX_RESULTS = 500  # more than anyone pages through; keeps a vague query cheap


def search(request):
    """/search/?q=…: this site's public articles, most relevant first.

    The search backend ranks live articles; the site's own rules (public,
    this site) then filter that ranking, so a private article never shows.
    """
    query = " ".join(request.GET.get("q", "").split())[:MAX_QUERY_LENGTH]
    context = {"query": query, "results": None, "query_string": urlencode({"q": query})}
    if query:
        articles, _site = site_articles(request)
        ranked = _ranked_ids(query)
        found = {a.pk: a for a in articles.filter(pk__in=ranked).for_listing().with_bylines()}
        context["results"] = paginate(request, [found[pk] for pk in ranked if pk in found])
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
