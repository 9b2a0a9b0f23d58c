"""Changing a comment's status, and everything that follows from it.

Every status change goes through :func:`set_status` or :func:`store_new`'s
screening, so comment counts, the page cache signal and reply
notifications cannot be forgotten by one path.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from ..background import run_in_background
from . import notifications, policy, spam
from .models import Comment, SpamVerdict, Status, reports_note
from .signals import comments_changed

logger = logging.getLogger(__name__)
DUPLICATE_WINDOW = timedelta(minutes=1)


def store_new(comment, wants_replies=False):
    """Store a new, validated comment, then screen it; returns ``(comment, created)``.

    ``wants_replies``: the commenter asked to be emailed about replies.

    The comment is committed (as pending, or spam for a bot) before any
    rule, spam check or email runs, so nothing that fails later loses it.
    A double submit returns the comment already stored: the check and the
    insert happen under a lock on the article, so two copies arriving at
    the same instant on different workers cannot both pass the check.
    """
    from ..newsroom.models import ArticlePage

    with transaction.atomic():
        # A row lock on PostgreSQL; SQLite's IMMEDIATE transactions already take turns.
        list(ArticlePage.objects.select_for_update(of=("self",)).filter(pk=comment.article_id).values("pk"))
        comment.created_at = timezone.now()
        earlier = _duplicate_of(comment)
        if earlier:
            return earlier, False
        comment.save(force_insert=True)
    if comment.status == Status.PENDING:
        status, reason = policy.screen(comment)
        _screened(comment, status, reason)
    if spam.get_backend().remote and comment.status != Status.SPAM:
        from .tasks import check_spam

        transaction.on_commit(lambda: run_in_background(check_spam, comment.pk))
    if comment.status != Status.SPAM:
        notifications.new_comment(comment)
        if wants_replies:
            notifications.offer_reply_emails(comment)
    return comment, True


def _duplicate_of(comment):
    return (
        Comment.objects.filter(
            article_id=comment.article_id,
            body=comment.body,
            created_at__gte=comment.created_at - DUPLICATE_WINDOW,
        )
        .by_email(comment.author_email)
        .first()
    )


def _screened(comment, status, reason):
    Comment.objects.filter(pk=comment.pk).update(status=status, reason=reason)
    comment.status, comment.reason = status, reason
    if status == Status.APPROVED:
        recount([comment.article_id])
        notifications.reply_approved([comment])


def set_status(comment_ids, status, user=None):
    """Move comments to ``status`` (a moderator's action); returns how many changed."""
    changing = list(Comment.objects.filter(pk__in=comment_ids).exclude(status=status).select_related("article"))
    if not changing:
        return 0
    decision = {"status": status, "moderated_at": timezone.now(), "moderated_by": user}
    if status == Status.APPROVED:
        decision.update(flag_count=0, reason="")  # reviewed: later reports count afresh
    Comment.objects.filter(pk__in=[c.pk for c in changing]).update(**decision)
    shown_before = {c.article_id for c in changing if c.status == Status.APPROVED}
    if status == Status.APPROVED:
        recount({c.article_id for c in changing})
        notifications.reply_approved([c for c in changing if not c.reply_notified])
    elif shown_before:
        recount(shown_before)
    if status in (Status.SPAM, Status.APPROVED) and spam.get_backend().remote:
        _report_corrections(changing, status)
    return len(changing)


def _report_corrections(comments, status):
    from .tasks import report_to_spam_service

    for comment in comments:
        was_spam = comment.status == Status.SPAM or comment.spam_verdict == SpamVerdict.SPAM
        if (status == Status.SPAM) != was_spam:
            transaction.on_commit(lambda pk=comment.pk: run_in_background(report_to_spam_service, pk, status))


def apply_verdict(comment, verdict=None, error=None):
    """Record the remote spam check: it may mark a comment spam or hold it, never approve it.

    ``error`` (the check failed) holds the comment for a moderator. A
    moderator's own decision is never overridden.
    """
    proposed = None  # (status, reason)
    if error is not None:
        logger.warning("Spam check for comment %s failed: %s", comment.pk, error)
        record, proposed = SpamVerdict.ERROR, (Status.PENDING, "The spam check failed: check it by hand.")
    elif verdict is spam.Verdict.SPAM:
        record, proposed = SpamVerdict.SPAM, (Status.SPAM, "The spam service called it spam.")
    elif verdict is spam.Verdict.UNSURE:
        record, proposed = SpamVerdict.UNSURE, (Status.PENDING, "The spam service was unsure.")
    else:
        record = SpamVerdict.HAM
    with transaction.atomic():
        # Read again under a lock: a moderator may have acted while the service was asked.
        current = Comment.objects.select_for_update().filter(pk=comment.pk).first()
        if current is None:
            return
        changes = {"spam_verdict": record}
        undecided = current.moderated_at is None and current.status in (Status.PENDING, Status.APPROVED)
        if proposed and undecided:
            changes["status"], changes["reason"] = proposed
        Comment.objects.filter(pk=comment.pk).update(**changes)
    if current.status == Status.APPROVED and changes.get("status", Status.APPROVED) != Status.APPROVED:
        recount([comment.article_id])
    for field, value in changes.items():
        setattr(comment, field, value)


def flag(comment):
    """Count a reader's report; past ``COMMENTS_FLAG_THRESHOLD`` the comment goes back to the queue."""
    Comment.objects.filter(pk=comment.pk).update(flag_count=F("flag_count") + 1)
    comment.refresh_from_db(fields=["flag_count", "status"])
    if comment.flag_count >= settings.COMMENTS_FLAG_THRESHOLD and comment.status == Status.APPROVED:
        reason = reports_note(comment.flag_count)
        if Comment.objects.filter(pk=comment.pk, status=Status.APPROVED).update(status=Status.PENDING, reason=reason):
            recount([comment.article_id])
            comment.status, comment.reason = Status.PENDING, reason


def purge_ip_addresses(now=None):
    """Forget the IP address and browser of comments past ``COMMENTS_IP_RETENTION_DAYS``; returns how many."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.COMMENTS_IP_RETENTION_DAYS)
    return (
        Comment.objects.filter(created_at__lt=cutoff)
        .exclude(ip_address=None, user_agent="")
        .update(ip_address=None, user_agent="")
    )


def recount(article_ids, *, announce=True):
    """Recount the articles' approved comments and tell the page cache (after any change readers see).

    Moderation calls it itself; call it after creating or changing comments
    another way (the demo loader, an import). A caller that invalidates the
    whole site anyway (an import of thousands of articles) passes
    ``announce=False``: the page cache is not told article by article.
    """
    from ..newsroom.models import ArticlePage

    article_ids = list(set(article_ids))
    approved = (
        Comment.objects.approved()
        .filter(article_id=OuterRef("pk"))
        .order_by()
        .values("article_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    ArticlePage.objects.filter(pk__in=article_ids).update(comment_count=Coalesce(Subquery(approved), 0))
    if announce:
        comments_changed.send(sender=Comment, article_ids=article_ids)
