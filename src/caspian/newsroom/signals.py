"""Receivers for Wagtail's and Django's model signals; each hands over to ``publishing`` or ``sites``."""

from django.db.models.signals import post_delete, post_save
from wagtail.contrib.settings.models import BaseSiteSetting
from wagtail.contrib.settings.registry import registry as settings_registry
from wagtail.models import PageViewRestriction, Site, get_page_models
from wagtail.signals import page_published, post_page_move

from . import publishing, sites
from .models import ArchiveYearPage, ArticlePage, LiveBlogPage, NewsImage


def on_article_published(sender, instance, revision=None, **kwargs):
    publishing.article_published(instance, revision)


def on_page_moved(sender, instance, **kwargs):
    publishing.refile_articles(instance)


def on_site_changed(sender, **kwargs):
    sites.invalidate()


def on_page_changed(sender, instance, **kwargs):
    if sites.shapes_a_site(instance):
        sites.invalidate()


def on_image_saved(sender, instance, **kwargs):
    if sites.shown_in_settings(instance):
        sites.invalidate()


def connect():
    # Wagtail names the page's own class as sender: a live blog is not sent as an ArticlePage.
    page_published.connect(on_article_published, sender=ArticlePage, dispatch_uid="newsroom-material-update")
    page_published.connect(on_article_published, sender=LiveBlogPage, dispatch_uid="newsroom-live-blog-published")
    for model in (ArticlePage, LiveBlogPage, ArchiveYearPage):
        post_page_move.connect(on_page_moved, sender=model, dispatch_uid=f"newsroom-refile-{model.__name__}")
    connect_site_cache()


def connect_site_cache():
    """Invalidate the cached sites, menus and site settings (:mod:`.sites`) when editors change them."""
    site_models = [Site, PageViewRestriction]
    site_models += [model for model in settings_registry if issubclass(model, BaseSiteSetting)]
    for model in site_models:
        post_save.connect(on_site_changed, sender=model, dispatch_uid=f"newsroom-sites-{model._meta.label}-saved")
        post_delete.connect(on_site_changed, sender=model, dispatch_uid=f"newsroom-sites-{model._meta.label}-deleted")
    for model in get_page_models():
        post_save.connect(on_page_changed, sender=model, dispatch_uid=f"newsroom-sites-{model._meta.label}-saved")
        post_delete.connect(on_page_changed, sender=model, dispatch_uid=f"newsroom-sites-{model._meta.label}-deleted")
    post_page_move.connect(on_site_changed, dispatch_uid="newsroom-sites-page-moved")
    post_save.connect(on_image_saved, sender=NewsImage, dispatch_uid="newsroom-sites-image-saved")
    # By the time an image is deleted, SET_NULL has already cleared the settings' reference to it.
    post_delete.connect(on_site_changed, sender=NewsImage, dispatch_uid="newsroom-sites-image-deleted")
