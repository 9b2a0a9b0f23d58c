"""What the article page shows of its comments: the threads and the form.

:func:`article_context` is the article page's one way in. It costs one
query (the approved comments), however many there are.
"""

from collections import defaultdict

from django.conf import settings

from . import policy
from .forms import CommentForm


def threads(comments, max_depth=None):
    """Arrange approved comments (oldest first) into threads; returns the top-level ones.

    Each comment gets ``shown_replies`` (a list), ``depth`` (1 at the top)
    and ``can_reply``. Below ``COMMENTS_MAX_DEPTH`` replies are shown at that
    depth, each after the comment it answers. A reply whose parent is not
    shown becomes a top-level comment; one dated before its parent (an
    import, a clock out of step) still nests.
    """
    max_depth = max_depth or settings.COMMENTS_MAX_DEPTH
    by_id = {c.pk: c for c in comments}
    replies = defaultdict(list)
    for comment in comments:
        replies[comment.parent_id if comment.parent_id in by_id else None].append(comment)

    def place(comment, depth, into):
        comment.depth, comment.can_reply, comment.shown_replies = depth, depth < max_depth, []
        into.append(comment)
        below = comment.shown_replies if depth < max_depth else into  # at the deepest level, beside it
        for reply in replies.pop(comment.pk, ()):  # pop: each comment is placed once
            place(reply, min(depth + 1, max_depth), below)

    top_level = []
    for comment in replies.pop(None, ()):
        place(comment, 1, top_level)
    return top_level


def article_context(article, request):
    """Template context for an article's comments section.

    A comment post that failed validation leaves its bound form on the
    request (``request.comment_form``) so the page shows the reader's text
    with the messages; otherwise the form is empty, replying to the comment
    named in ``?replyto=`` when that is shown on this article.
    """
    if article.pk is None:  # a preview of an unsaved article
        return {"comments": [], "comment_form": None}
    approved = list(article.comments.approved().order_by("created_at", "pk"))
    closed = policy.closed_reason(article)
    form = getattr(request, "comment_form", None)
    reply_to = None
    if form is None and not closed:
        shown = {c.pk: c for c in approved}
        reply_to = shown.get(to_int(request.GET.get("replyto")))
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


def to_int(value):
    """``value`` as an int, or ``None`` (for query-string values readers can edit)."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
