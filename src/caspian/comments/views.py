"""The reader's side of comments: posting, reporting, and starting or stopping reply emails.

Every answer to a post is a redirect back to the article, the article page
itself re-rendered with the reader's text and a message (see
:func:`_article_with_form`; the page is the newsroom's to render), or, for
a post without a form token, a page asking to confirm it.

Article pages are the same for every reader, so these views take no CSRF
cookie: they refuse posts a browser says came from another site
(:mod:`.origin`), and the form token comes from :func:`form_token`.
"""

import hashlib
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponseForbidden, HttpResponseRedirect, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from ..background import housekeep_if_due
from ..newsroom.models import ArticlePage
from ..security import client_ip
from . import moderation, origin, oversized, policy, ratelimit, tokens
from .display import comment_url
from .forms import CommentForm
from .models import Comment, Status
from .notifications import comment_from_confirmation, email_from_token

SAVED_DETAILS_COOKIE = "caspian_commenter"
SAVED_DETAILS_SECONDS = 365 * 24 * 3600
REPORT_MEMORY_SECONDS = 30 * 24 * 3600
CROSS_SITE_MESSAGE = (
    "Your comment was sent from a page on another website, so it was not posted. It is kept below: "
    "if you wrote it, check it and send it from here."
)
UNREADABLE_MESSAGE = (
    "Your comment was too large for us to read, so it was not posted and we could not keep it. "
    "Please write it again, shorter."
)


@never_cache
@require_GET
def form_token(request):
    """A fresh form token for ``comments.js``: the one per-reader part of the comment form."""
    return JsonResponse({"form_token": tokens.issue()}, headers={"X-Robots-Tag": "noindex"})


@csrf_exempt  # see the module's docstring: origin.cross_site() instead
@require_POST
def post_comment(request, article_id):
    article = get_object_or_404(ArticlePage.objects.public_articles(), pk=article_id)
    closed = policy.closed_reason(article)
    data, sent, too_large = _posted_form(request)
    form = CommentForm(data, article=article, closed_reason=closed, **sent)
    if origin.cross_site(request):
        form.full_clean()
        form.add_error(None, CROSS_SITE_MESSAGE)
        return _article_with_form(request, article, form, status=403)
    if not form.is_valid():
        if form.needs_confirmation:
            return render(request, "comments/confirm_post.html", {"page": article, "comment_form": form})
        if too_large and not data:
            form.add_error(None, UNREADABLE_MESSAGE)
        return _article_with_form(request, article, form, status=403 if closed else 413 if too_large else 400)
    ip = client_ip(request)
    wait = ratelimit.hit("post", ip=ip, email=form.cleaned_data["email"])
    if wait:
        form.add_error(
            None,
            f"You have sent several comments in a short time. Please wait {_duration(wait)} and send this one "
            "again: your comment is kept below.",
        )
        response = _article_with_form(request, article, form, status=429)
        response["Retry-After"] = str(wait)
        return response
    comment, _ = moderation.store_new(
        form.build_comment(ip, request.META.get("HTTP_USER_AGENT", "")),
        wants_replies=form.cleaned_data["notify_replies"],
    )
    housekeep_if_due()  # the comment is stored: nothing here can lose it
    # To the page of comments showing it; a comment waiting for a moderator, to the notice saying so.
    anchor = None if comment.status == Status.APPROVED else "comment-held"
    response = HttpResponseRedirect(comment_url(comment, request, anchor=anchor))
    _remember_details(response, form.cleaned_data)
    return response


@csrf_exempt  # see the module's docstring: origin.cross_site() instead
@require_POST
def report_comment(request, comment_id):
    if origin.cross_site(request):
        return HttpResponseForbidden("Reports are accepted only from this site's own pages.")
    comment = get_object_or_404(
        Comment.objects.select_related("article"),
        pk=comment_id,
        status=Status.APPROVED,
        article__in=ArticlePage.objects.public_articles(),
    )
    ip = client_ip(request) or "unknown"
    reporter = hashlib.sha256(f"{comment.pk}:{ip}".encode()).hexdigest()[:32]
    # Back to the page the reader was reading, found before the report may take the comment off it.
    back = comment_url(comment, request, anchor="comment-reported")
    # One report per reader and comment, and no flood of reports from one address.
    if not ratelimit.hit("report", ip=ip) and cache.add(f"comments:reported:{reporter}", True, REPORT_MEMORY_SECONDS):
        moderation.flag(comment)
    return HttpResponseRedirect(back)


@csrf_exempt  # the signed link is the proof, and origin.cross_site() refuses another site's post
def confirm_replies(request, token):
    """Switch on reply emails for the comment in a signed link: a GET asks, a POST does it."""
    comment = comment_from_confirmation(token)
    if comment is None:
        return render(request, "comments/confirm_replies.html", {"invalid": True}, status=400)
    done = False
    if request.method == "POST":
        if origin.cross_site(request):
            return HttpResponseForbidden("Reply emails can be switched on only from this site's own page.")
        Comment.objects.filter(pk=comment.pk).update(notify_replies=True)
        done = True
    return render(request, "comments/confirm_replies.html", {"comment": comment, "done": done})


@csrf_exempt  # the signed link is the proof; mail programs POST to it without a cookie (RFC 8058)
def unsubscribe(request, token):
    """Stop reply emails to the address in a signed link: a GET asks, a POST does it."""
    email = email_from_token(token)
    if email is None:
        return render(request, "comments/unsubscribe.html", {"invalid": True}, status=400)
    done = False
    if request.method == "POST":
        Comment.objects.by_email(email).update(notify_replies=False)
        done = True
    return render(request, "comments/unsubscribe.html", {"email": email, "done": done})


def _posted_form(request):
    """``(data, form options, too_large)``: the posted fields, even of a post too large for Django.

    Django refuses a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` with a bare
    400 and the text is lost. Such a post (urlencoded, as the comment form
    sends) is read here in bounded memory instead (:mod:`.oversized`), each
    field cut to twice the comment limit (room for CRLFs, which count
    once), and the form is told how long the comment really was. Any other
    post that large (multipart, from no form of ours) cannot be read back.
    """
    try:
        return request.POST, {}, False
    except RequestDataTooBig:
        if request.content_type != "application/x-www-form-urlencoded":
            return QueryDict(), {}, True
        data, lengths, cut = oversized.read_form(request, 2 * settings.COMMENTS_MAX_LENGTH + 2)
        request.POST = data  # for whatever reads it next (the error page of a database outage keeps the text)
        return data, {"comment_length": lengths.get("comment"), "comment_length_exact": cut != "comment"}, True


def _article_with_form(request, article, form, status):
    """The article page with the reader's form, text kept and messages beside the fields."""
    request.comment_form = form
    # A live blog is an article too, and is rendered as one only in its own class.
    response = article.specific.serve(request)
    response.status_code = status
    return response


def _remember_details(response, data):
    """Set the saved-details cookie only when the reader asked for it, and forget it when they didn't."""
    if not data["save_details"]:
        response.delete_cookie(SAVED_DETAILS_COOKIE, samesite="Lax")
        return
    value = urlencode({"author": data["author"], "email": data["email"], "url": data["url"]})
    response.set_cookie(
        SAVED_DETAILS_COOKIE,
        value,
        max_age=SAVED_DETAILS_SECONDS,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=False,  # read by comments.js to fill in the form
    )


def _duration(seconds):
    if seconds < 90:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = round(seconds / 60)
    if minutes < 90:
        return f"{minutes} minutes"
    return f"{round(minutes / 60)} hours"
