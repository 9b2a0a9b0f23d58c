"""Receivers: every change readers would see reaches :mod:`.invalidation` from here."""

from django.apps import apps
from django.db.models.signals import post_delete, post_save, pre_delete
from wagtail.contrib.settings.models import BaseSiteSetting
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from ..comments.signals import comments_changed
from . import invalidation


def on_page_changed(sender, instance, **kwargs):
    invalidation.page_changed(_specific(instance))


def on_page_deleted(sender, instance, **kwargs):
    invalidation.page_changed(_specific(instance), deleted=True)


def on_page_moved(sender, instance, url_path_before=None, parent_page_before=None, **kwargs):
    invalidation.page_changed(_specific(instance), url_path_before=url_path_before, parent_before=parent_page_before)


def _specific(page):
    return page.specific_deferred if type(page) is Page else page


def on_restriction_changed(sender, instance, **kwargs):
    page = Page.objects.filter(pk=instance.page_id).first()  # gone already when its page was deleted
    if page is not None:
        invalidation.restriction_changed(page)


def on_comments_changed(sender, article_ids, **kwargs):
    invalidation.comments_changed(article_ids)


def on_site_changed(sender, **kwargs):
    invalidation.site_changed()


def connect():
    for model in apps.get_models():
        if issubclass(model, Page):
            uid = f"pagecache-{model._meta.label}"
            page_published.connect(on_page_changed, sender=model, dispatch_uid=f"{uid}-published")
            page_unpublished.connect(on_page_changed, sender=model, dispatch_uid=f"{uid}-unpublished")
            if model is not Page:  # deleting a page deletes its base row too: one call is enough
                pre_delete.connect(on_page_deleted, sender=model, dispatch_uid=f"{uid}-deleted")
            post_page_move.connect(on_page_moved, sender=model, dispatch_uid=f"{uid}-moved")
        elif issubclass(model, BaseSiteSetting) or model is Site:
            uid = f"pagecache-{model._meta.label}"
            post_save.connect(on_site_changed, sender=model, dispatch_uid=f"{uid}-saved")
            post_delete.connect(on_site_changed, sender=model, dispatch_uid=f"{uid}-deleted")
    for name, signal in (("saved", post_save), ("deleted", post_delete)):
        signal.connect(on_restriction_changed, sender=PageViewRestriction, dispatch_uid=f"pagecache-restriction-{name}")
    comments_changed.connect(on_comments_changed, dispatch_uid="pagecache-comments")
