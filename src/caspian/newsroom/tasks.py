"""Background work for the newsroom (django-tasks: inline in the demo, `caspian worker` in production)."""

from django_tasks import task

from . import images
from .models import ArticlePage


@task()
def prepare_article_images(article_id):
    """Make the renditions an article's images need, so no reader waits while they are made."""
    article = ArticlePage.objects.select_related("lead_image").filter(pk=article_id).first()
    if article is None:
        return
    if article.lead_image:
        images.prepare_renditions(article.lead_image, "lead", "card")
        images.share_renditions(article.lead_image)
    for block in article.body:
        if block.block_type == "image" and block.value["image"]:
            images.prepare_renditions(block.value["image"], "inline")
