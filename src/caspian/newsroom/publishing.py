"""What happens to an article around publication: the honest-dates bookkeeping, and telling the writers."""

import logging

from django.contrib.auth import get_user_model
from django.db import transaction
from django.template.loader import render_to_string
from wagtail.admin.mail import send_mail
from wagtail.log_actions import get_active_log_context
from wagtail.users.models import UserProfile

from .models import ArticlePage, ArticleUpdate, LiveBlogPage, SectionPage

logger = logging.getLogger(__name__)


def article_published(article, revision=None):
    """Everything that follows an article's publication (called from the page_published signal)."""
    record_material_update(article, revision)
    if isinstance(article, LiveBlogPage):
        article.record_coverage_end()
    from .stale_claims import record_claims

    record_claims(article)  # the stale-claim report's sentences, as just published
    from .tasks import prepare_article_images

    transaction.on_commit(lambda: prepare_article_images.enqueue(article.pk))
    if went_live(article, revision):
        publisher = get_active_log_context().user  # the member of staff whose request published it, if any
        transaction.on_commit(lambda: tell_writers_published(article, publisher))


def went_live(article, revision):
    """Whether this publication put ``revision`` live, rather than scheduling it for later.

    Wagtail sends ``page_published`` for a first publication scheduled for
    later too, with the page still not live.
    """
    return article.live and (revision is None or article.live_revision_id == revision.pk)


def writers(article):
    """The staff accounts that wrote ``article``: its owner and those linked to its byline authors."""
    ids = {article.owner_id, *article.bylines.exclude(author__user=None).values_list("author__user", flat=True)}
    return list(get_user_model().objects.filter(pk__in=ids - {None}, is_active=True).exclude(email=""))


def tell_writers_published(article, publisher=None):
    """Email "Your story is published", with its link, to ``article``'s writers other than ``publisher``.

    Called once the publication is committed, whoever published it: an
    editor directly, an approval in review, or the scheduled publishing (no
    ``publisher``). A writer who turned off Wagtail's "approved"
    notifications (Account › Notifications) is left out. Sent like
    Wagtail's own review emails; a mail server that fails is logged, never
    the publication's failure. Returns the number of emails sent.
    """
    article = ArticlePage.objects.filter(pk=article.pk).first()
    if article is None or not article.live:
        return 0
    first = article.first_published_at is not None and article.last_published_at == article.first_published_at
    context = {"article": article, "url": article.get_full_url(), "first_publication": first}
    sent = 0
    for writer in writers(article):
        if publisher is not None and writer.pk == publisher.pk:
            continue
        if not UserProfile.get_for_user(writer).approved_notifications:
            continue
        context["user"] = writer
        subject = render_to_string("newsroom/email/story_published_subject.txt", context).strip()
        body = render_to_string("newsroom/email/story_published.txt", context).strip()
        try:
            send_mail(subject, body, [writer.email])
        except Exception:  # a mail server's failure must not fail the publication  # noqa: BLE001
            logger.exception("Could not email %s that %r is published", writer.email, article.title)
        else:
            sent += 1
    return sent


@transaction.atomic
def record_material_update(article, revision=None):
    """Log the update note an editor published with ``article``, then clear it.

    Called after every publication of an article. A note on a republication
    becomes an ``ArticleUpdate`` and moves the article's shown "Updated" time
    to this publication; a note on the first publication is dropped (a new
    story has nothing to update). The note is cleared on the page and in the
    published revision, so the next edit starts as a routine one.
    Returns the ``ArticleUpdate`` or ``None``.
    """
    note = article.update_note.strip()
    if not note:
        return None
    published_at = article.last_published_at
    update = None
    changes = {"update_note": ""}
    if article.first_published_at and published_at and published_at > article.first_published_at:
        update = ArticleUpdate.objects.create(article=article, note=note, published_at=published_at)
        changes["updated_at"] = published_at
    ArticlePage.objects.filter(pk=article.pk).update(**changes)
    for field, value in changes.items():
        setattr(article, field, value)
    if revision is not None and revision.content.get("update_note"):
        revision.content["update_note"] = ""
        revision.save(update_fields=["content"])
    return update


def refile_articles(page):
    """After ``page`` moved in the tree, point its articles at their new section."""
    section = SectionPage.objects.ancestor_of(page, inclusive=True).first()
    ArticlePage.objects.descendant_of(page, inclusive=True).update(section=section)
