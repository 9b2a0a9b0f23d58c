"""What the article page shows of its comments: the threads and the form.

:func:`article_context` is the article page's one way in. It costs one
query (the approved comments), however many there are.
"""

from django.conf import settings

from . import policy
from .forms import CommentForm
from .models import Status


def threads(comments, max_depth=None):
    """Arrange approved comments (oldest first) into threads; returns the top-level ones.

    Each comment gets ``shown_replies`` (a list), ``depth`` (1 at the top) and
    ``can_reply``. Replies nested deeper than ``COMMENTS_MAX_DEPTH`` are
    shown at that depth, in time order, under their nearest shown ancestor.
    A reply whose parent is no longer shown becomes a top-level comment.
    """
    max_depth = max_depth or settings.COMMENTS_MAX_DEPTH
    by_id = {c.pk: c for c in comments}
    roots = []
    for comment in comments:  # oldest first, so a parent is always placed before its replies
        comment.shown_replies = []
        parent = by_id.get(comment.parent_id)
        if parent is None or max_depth == 1:
            comment.depth = 1
            roots.append(comment)
            continue
        while parent.depth >= max_depth:
            parent = parent.shown_under
        comment.depth = parent.depth + 1
        comment.shown_under = parent
        parent.shown_replies.append(comment)
    for comment in comments:
        comment.can_reply = comment.depth < max_depth
    return roots


def article_context(article, request):
    """Template context for an article's comments section.

    A comment post that failed validation leaves its bound form on the
    request (``request.comment_form``) so the page shows the reader's text
    with the messages; otherwise the form is empty, replying to the comment
    named in ``?replyto=`` when that is shown on this article.
    """
    if article.pk is None:  # a preview of an unsaved article
        return {"comments": [], "comment_form": None}
    approved = list(article.comments.filter(status=Status.APPROVED).order_by("created_at", "pk"))
    closed = policy.closed_reason(article)
    form = getattr(request, "comment_form", None)
    reply_to = None
    if form is None and not closed:
        shown = {c.pk: c for c in approved}
        reply_to = shown.get(_int(request.GET.get("replyto")))
        form = CommentForm(article=article, initial={"parent": reply_to.pk if reply_to else None})
    elif form is not None and form.is_bound:
        reply_to = next((c for c in approved if str(c.pk) == str(form.data.get("parent"))), None)
    return {
        "comments": threads(approved),
        "comments_shown": len(approved),
        "comments_closed": closed,
        "comment_form": form,
        "reply_to": reply_to,
    }


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
