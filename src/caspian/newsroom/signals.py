"""Receivers for Wagtail's page signals; each hands over to ``publishing``."""

from wagtail.signals import page_published, post_page_move

from . import publishing
from .models import ArchiveYearPage, ArticlePage


def on_article_published(sender, instance, revision=None, **kwargs):
    publishing.article_published(instance, revision)


def on_page_moved(sender, instance, **kwargs):
    publishing.refile_articles(instance)


def connect():
    page_published.connect(on_article_published, sender=ArticlePage, dispatch_uid="newsroom-material-update")
    for model in (ArticlePage, ArchiveYearPage):
        post_page_move.connect(on_page_moved, sender=model, dispatch_uid=f"newsroom-refile-{model.__name__}")
