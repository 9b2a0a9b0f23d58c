"""The site's comment rules: where comments are open, and what a new comment's status is."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from . import spam, text
from .models import BlockRule, Comment, Status


def closed_reason(article, now=None):
    """Why ``article`` takes no new comments, or ``""`` when it does."""
    if not article.comments_open:
        return "Comments are closed on this article."
    days = settings.COMMENTS_CLOSE_AFTER_DAYS
    published = article.first_published_at
    if days and published and published < (now or timezone.now()) - timedelta(days=days):
        return f"Comments are closed: this article is more than {days} days old."
    return ""


def screen(comment):
    """``(status, reason)`` for a new comment, from the local rules and the local spam check.

    In order: blocked words and senders (spam), the spam check if it runs
    locally, too many links (held), then the moderation mode.
    """
    for rule in BlockRule.objects.all():
        if rule.matches(comment):
            return Status.SPAM, f"Blocked {rule.get_kind_display().lower()}: {rule.value}"[:200]
    backend = spam.get_backend()
    if not backend.remote:
        verdict = backend.check(comment)
        if verdict is spam.Verdict.SPAM:
            return Status.SPAM, "The spam check called it spam."
        if verdict is spam.Verdict.UNSURE:
            return Status.PENDING, "The spam check was unsure."
    links = text.count_links(comment.body)
    if links > settings.COMMENTS_MAX_LINKS:
        return Status.PENDING, f"{links} links (more than {settings.COMMENTS_MAX_LINKS})."
    mode = settings.COMMENTS_MODERATION
    if mode == "post":
        return Status.APPROVED, ""
    if mode == "trusted" and _trusted(comment):
        return Status.APPROVED, ""
    return Status.PENDING, ""


def _trusted(comment):
    return Comment.objects.approved().by_email(comment.author_email).exclude(pk=comment.pk).exists()
