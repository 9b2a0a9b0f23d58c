from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from taggit.models import Tag

from .listings import site_articles
from .pagination import listing_page


def tag_page(request, slug):
    """/tags/<slug>/: the site's public articles with this tag, newest first.

    A tag only drafts carry is a 404: its name may say what is coming.
    """
    tag = get_object_or_404(Tag, slug=slug)
    articles, _site = site_articles(request)
    tagged = articles.tagged(tag)
    if not tagged.exists():
        raise Http404("No published article has this tag.")
    page = listing_page(request, tagged.newest_first().for_listing().defer_streamfields().with_bylines())
    return TemplateResponse(request, "newsroom/tag_page.html", {"tag": tag, "articles": page})
