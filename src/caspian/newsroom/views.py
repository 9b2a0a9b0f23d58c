from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from taggit.models import Tag

from ..query_parameters import reads_query
from . import page_parts
from .corrections import CORRECTIONS_PAGE_SIZE, site_corrections
from .pagination import LISTING_PARAMETERS, listing_page, paginate
from .querysets import site_articles
from .reader_input import is_slug


@reads_query(*LISTING_PARAMETERS)
def tag_page(request, slug):
    """/tags/<slug>/: the site's public articles with this tag, newest first.

    A tag only drafts carry is a 404: its name may say what is coming. So is
    an address no tag could have (a NUL character, punctuation), before any
    query.
    """
    if not is_slug(slug, Tag._meta.get_field("slug").max_length):
        raise Http404("No tag has this address.")
    tag = get_object_or_404(Tag, slug=slug)
    articles, _site = site_articles(request)
    tagged = articles.tagged(tag)
    if not tagged.exists():
        raise Http404("No published article has this tag.")
    page = listing_page(request, tagged.newest_first().for_listing().defer_streamfields().with_bylines())
    return TemplateResponse(request, "newsroom/tag_page.html", {"tag": tag, "articles": page})


@reads_query("page")
def corrections_page(request):
    """/corrections/: the site's published corrections, newest first, each with its article.

    Numbered pages of ``CORRECTIONS_PAGE_SIZE``: corrections are few next to
    articles, so counting them (for "Page 2 of 3") costs little. The
    registered parts (:mod:`caspian.newsroom.page_parts`) add theirs, such
    as the corrections feeds' links (``page_feeds``).
    """
    corrections, site = site_corrections(request)
    page = paginate(request, corrections, per_page=CORRECTIONS_PAGE_SIZE)
    context = {"corrections": page, **page_parts.corrections_context(site, request)}
    return TemplateResponse(request, "newsroom/corrections_page.html", context)
