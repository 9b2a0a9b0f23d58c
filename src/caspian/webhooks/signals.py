"""Receivers for Wagtail's and Django's signals: each names the event and hands over to :func:`.events.announce`.

What each event is, read from what the newsroom stores:

- published: a publication that put an article live that was not live
  before (the first, or again after it was unpublished);
- updated: an ``ArticleUpdate`` created, which the newsroom does when an
  article is republished with a material update note;
- corrected, entry added: an ``ArticleCorrection`` or ``LiveBlogEntry``
  row created by a later publication of a live article (Wagtail writes an
  article's inline rows when it publishes a revision, not when a draft is
  saved);
- unpublished: Wagtail's ``page_unpublished`` (an editor, or the expiry time),
  or a view restriction added to a public article's page or an ancestor
  (partners must drop it as readers no longer see it);
- deleted: an article that was ever published, deleted.

Only public articles are told about: nothing happening inside a
view-restricted part of the tree is an event (see :mod:`.events`).
"""

from functools import partial

from django.db.models.signals import post_save, pre_delete, pre_save
from wagtail.models import PageViewRestriction
from wagtail.signals import page_published, page_unpublished

from caspian.newsroom.models import ArticleCorrection, ArticlePage, ArticleUpdate, LiveBlogEntry, LiveBlogPage

from . import events

ARTICLE_MODELS = (ArticlePage, LiveBlogPage)


def on_article_saving(sender, instance, update_fields=None, **kwargs):
    # Publishing saves the page whole, already marked live: note whether it was live before.
    if update_fields is None and instance.pk and instance.live:
        instance._webhooks_was_live = ArticlePage.objects.filter(pk=instance.pk, live=True).exists()


def on_article_published(sender, instance, revision=None, **kwargs):
    going_live = instance.live and (revision is None or instance.live_revision_id == revision.pk)
    if going_live and getattr(instance, "_webhooks_was_live", True) is False:
        instance._webhooks_was_live = True
        events.announce("article.published", partial(events.published_data, instance.pk))


def on_article_unpublished(sender, instance, **kwargs):
    events.announce("article.unpublished", partial(events.unpublished_data, instance.pk))


def on_article_deleting(sender, instance, **kwargs):
    # A draft never published is nobody's news, nor is a private article. Read now (its restrictions
    # are deleted with it): after the commit there is nothing left to read.
    if instance.first_published_at is not None and events.is_unrestricted(instance.pk):
        data = events.article_data(instance)
        events.announce("article.deleted", lambda: data)


def on_restriction_saving(sender, instance, raw=False, **kwargs):
    # Which articles are public before the new restriction hides them; told once it commits.
    if instance._state.adding and not raw and instance.page_id:
        hidden = events.public_article_ids_under(instance.page)
        if hidden:
            events.announce_each("article.unpublished", partial(events.hidden_data, hidden))


def on_update_saved(sender, instance, created=False, raw=False, **kwargs):
    if created and not raw:
        events.announce("article.updated", partial(events.updated_data, instance.pk))


def on_correction_saved(sender, instance, created=False, raw=False, **kwargs):
    if created and not raw:
        events.announce("article.corrected", partial(events.corrected_data, instance.pk))


def on_entry_saved(sender, instance, created=False, raw=False, **kwargs):
    if created and not raw:
        events.announce("liveblog.entry_added", partial(events.entry_added_data, instance.pk))


def connect():
    for model in ARTICLE_MODELS:  # Wagtail and Django name the page's own class as sender
        name = model.__name__
        pre_save.connect(on_article_saving, sender=model, dispatch_uid=f"webhooks-saving-{name}")
        page_published.connect(on_article_published, sender=model, dispatch_uid=f"webhooks-published-{name}")
        page_unpublished.connect(on_article_unpublished, sender=model, dispatch_uid=f"webhooks-unpublished-{name}")
    # A live blog's deletion deletes its ArticlePage row too: one receiver sees every article once.
    pre_delete.connect(on_article_deleting, sender=ArticlePage, dispatch_uid="webhooks-deleting")
    post_save.connect(on_update_saved, sender=ArticleUpdate, dispatch_uid="webhooks-update")
    post_save.connect(on_correction_saved, sender=ArticleCorrection, dispatch_uid="webhooks-correction")
    post_save.connect(on_entry_saved, sender=LiveBlogEntry, dispatch_uid="webhooks-entry")
    pre_save.connect(on_restriction_saving, sender=PageViewRestriction, dispatch_uid="webhooks-restriction")
