"""What happens to an article around publication: the honest-dates bookkeeping."""

from django.db import transaction

from .models import ArticlePage, ArticleUpdate, LiveBlogPage, SectionPage


def article_published(article, revision=None):
    """Everything that follows an article's publication (called from the page_published signal)."""
    record_material_update(article, revision)
    if isinstance(article, LiveBlogPage):
        article.record_coverage_end()
    from .stale_claims import record_claims

    record_claims(article)  # the stale-claim report's sentences, as just published
    from .tasks import prepare_article_images

    transaction.on_commit(lambda: prepare_article_images.enqueue(article.pk))


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
