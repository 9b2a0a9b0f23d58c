"""Emails about comments: to moderators on a new comment, to a commenter on a reply.

Messages are plain text (nothing a commenter wrote can become markup in a
mail client), built here while the request has the data, and sent in the
background so a slow mail server never holds up a reader.
"""

import hashlib

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.cache import cache
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from ..background import run_in_background

MODERATORS_GROUP = "Moderator"
UNSUBSCRIBE_SALT = "caspian.comments.unsubscribe"
CONFIRM_SALT = "caspian.comments.confirm-replies"
CONFIRM_MAX_AGE_DAYS = 7


def new_comment(comment):
    """Tell the moderators about a new comment (``COMMENTS_NOTIFY_MODERATORS``)."""
    if not settings.COMMENTS_NOTIFY_MODERATORS:
        return
    recipients = list(
        get_user_model()
        .objects.filter(is_active=True, groups__name=MODERATORS_GROUP)
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )
    if not recipients:
        return
    from .display import comment_url

    article = comment.article
    held = comment.status != "approved"
    subject = f"{'Comment waiting for approval' if held else 'New comment'} on “{article.title}”"
    body = render_to_string(
        "comments/email/new_comment.txt",
        {
            "comment": comment,
            "article_url": article.get_full_url(),
            "comment_url": None if held else comment_url(comment, full=True),
            "held": held,
            "approve_url": _absolute(reverse("comments_admin:act", args=[comment.pk, "approve"])),
            "spam_url": _absolute(reverse("comments_admin:act", args=[comment.pk, "spam"])),
            "queue_url": _absolute(reverse("comments_admin:queue")),
        },
    )
    for recipient in recipients:  # one message each: moderators don't see each other's addresses
        _send([recipient], subject, body)


def reply_approved(comments):
    """Tell each parent commenter who opted in that a reply to them is now shown."""
    from .display import comment_urls
    from .models import Comment

    replies = [c for c in comments if c.parent_id]
    if not replies:
        return
    parents = Comment.objects.in_bulk([c.parent_id for c in replies])
    told = [
        (reply, parent)
        for reply in replies
        if (parent := parents.get(reply.parent_id))
        and parent.notify_replies
        and parent.status == "approved"  # a removed comment's author is not told of replies to it
        and parent.author_email.lower() != reply.author_email.lower()
    ]
    reply_urls = comment_urls([reply for reply, _ in told], full=True)  # each on the page of comments showing it
    for reply, parent in told:
        unsubscribe_url = _absolute(reverse("comments:unsubscribe", args=[unsubscribe_token(parent.author_email)]))
        body = render_to_string(
            "comments/email/reply.txt",
            {
                "reply": reply,
                "parent": parent,
                "reply_url": reply_urls[reply.pk],
                "unsubscribe_url": unsubscribe_url,
            },
        )
        # One-click unsubscribe (RFC 8058): mail programs POST to the link.
        headers = {"List-Unsubscribe": f"<{unsubscribe_url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
        _send([parent.author_email], f"A reply to your comment on “{reply.article.title}”", body, headers)
    Comment.objects.filter(pk__in=[c.pk for c in replies]).update(reply_notified=True)


def offer_reply_emails(comment):
    """Switch on reply emails for a new comment, once its address has confirmed it wants them.

    Addresses are not verified when people comment, so anyone could type
    someone else's: the first time, the address gets a link to confirm
    instead (at most one a day, so nobody can flood an inbox with them). An
    address that confirmed before is believed.
    """
    from .models import Comment

    if Comment.objects.by_email(comment.author_email).filter(notify_replies=True).exists():
        Comment.objects.filter(pk=comment.pk).update(notify_replies=True)
        comment.notify_replies = True
        return
    address_key = hashlib.sha256(comment.author_email.lower().encode()).hexdigest()[:32]
    if not cache.add(f"comments:confirmation-sent:{address_key}", True, timeout=86400):
        return
    token = signing.dumps(comment.pk, salt=CONFIRM_SALT)
    body = render_to_string(
        "comments/email/confirm_replies.txt",
        {
            "comment": comment,
            "article_url": comment.article.get_full_url(),
            "confirm_url": _absolute(reverse("comments:confirm_replies", args=[token])),
            "max_age_days": CONFIRM_MAX_AGE_DAYS,
        },
    )
    _send([comment.author_email], f"Confirm reply emails for your comment on “{comment.article.title}”", body)


def comment_from_confirmation(token):
    """The comment a reply-email confirmation link was made for, or ``None`` if tampered with or old."""
    from .models import Comment

    try:
        pk = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE_DAYS * 86400)
    except signing.BadSignature:
        return None
    return Comment.objects.select_related("article").filter(pk=pk).first()


def unsubscribe_token(email):
    return signing.dumps(email.lower(), salt=UNSUBSCRIBE_SALT)


def email_from_token(token):
    """The address an unsubscribe link was made for, or ``None`` if the link was tampered with."""
    try:
        return signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None


def _absolute(path):
    return settings.BASE_URL + path


def _send(to, subject, body, headers=None):
    # Mail headers cannot hold line breaks; an article title should not either.
    subject = " ".join(subject.split())[:200]
    transaction.on_commit(lambda: run_in_background(_send_task(), to, subject, body, headers or {}))


def _send_task():
    from .tasks import send_email

    return send_email
