from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from taggit.models import Tag

from .listings import site_articles
from .models.pages import paginate


def tag_page(request, slug):
    """/tags/<slug>/: the site's articles with this tag, newest first."""
    tag = get_object_or_404(Tag, slug=slug)
    articles, _site = site_articles(request)
    page = paginate(request, articles.tagged(tag).newest_first().for_listing().with_bylines())
    return TemplateResponse(request, "newsroom/tag_page.html", {"tag": tag, "articles": page})
