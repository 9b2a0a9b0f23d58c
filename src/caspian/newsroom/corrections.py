"""Corrections as readers find them: on the article, on /corrections/ and in the corrections feed.

A correction (``ArticleCorrection``) belongs to the article's content, like
its bylines: editors add it on the article's edit form and it reaches
readers only when the article is published (so through the review
workflow and by users who may publish). A correction in a draft stays in
the draft's revision until then. Its queries are on ``CorrectionQuerySet``
(:mod:`caspian.newsroom.querysets`).
"""

from .models import ArticleCorrection
from .querysets import site_articles

CORRECTIONS_PAGE_SIZE = 200


def site_corrections(request):
    """The published corrections of the site answering ``request`` (on its public articles), newest first.

    Returns them with the site; 404 if no site answers the request's host.
    """
    articles, site = site_articles(request)
    return ArticleCorrection.objects.on_articles(articles).newest_first().with_articles(), site
