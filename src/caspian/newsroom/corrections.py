"""Corrections as readers find them: on the article, on /corrections/ and in the corrections feed.

A correction (``ArticleCorrection``) belongs to the article's content, like
its bylines: editors add it on the article's edit form and it reaches
readers only when the article is published (so through the review
workflow and by users who may publish). A correction in a draft stays in
the draft's revision until then.
"""

from django.db import models

CORRECTIONS_PAGE_SIZE = 200


class CorrectionQuerySet(models.QuerySet):
    def on_articles(self, articles):
        """The corrections of ``articles`` (a queryset: e.g. a site's public articles), as published."""
        return self.filter(article__in=articles.values("pk"))

    def newest_first(self):
        return self.order_by("-published_at", "-pk")

    def with_articles(self):
        """Each correction with its article's headline and address in the same query (not its body)."""
        return self.select_related("article").defer("article__body")


def site_corrections(request):
    """The published corrections of the site answering ``request`` (on its public articles), newest first.

    Returns them with the site; 404 if no site answers the request's host.
    """
    from .listings import site_articles
    from .models import ArticleCorrection

    articles, site = site_articles(request)
    return ArticleCorrection.objects.on_articles(articles).newest_first().with_articles(), site
