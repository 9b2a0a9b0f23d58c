"""The moderation queue in the Wagtail admin (for users with ``comments.moderate_comment``)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods
from wagtail.admin.auth import permission_required

from ..background import housekeep_if_due
from . import moderation
from .display import comment_url
from .models import Comment, Status
from .numbers import to_int

PERMISSION = "comments.moderate_comment"
PER_PAGE = 50
# What each action does: (target status, past tense for messages, its button on a row).
ACTIONS = {
    "approve": (Status.APPROVED, "approved", "Approve"),
    "spam": (Status.SPAM, "marked as spam", "Spam"),
    "trash": (Status.TRASH, "moved to the trash", "Trash"),
    "restore": (Status.PENDING, "returned to the queue", "Back to queue"),
}
# Which actions make sense from each tab.
TAB_ACTIONS = {
    Status.PENDING: ["approve", "spam", "trash"],
    Status.APPROVED: ["restore", "spam", "trash"],
    Status.SPAM: ["approve", "restore", "trash"],
    Status.TRASH: ["approve", "restore", "spam"],
}


@permission_required(PERMISSION)
@require_http_methods(["GET", "POST"])
def queue(request):
    status = request.GET.get("status", Status.PENDING)
    if status not in Status.values:
        status = Status.PENDING
    housekeep_if_due()
    if request.method == "POST":
        return _bulk_action(request)
    comments = Comment.objects.for_queue().filter(status=status)
    filters = {}
    if article_id := to_int(request.GET.get("article")):
        comments = comments.filter(article_id=article_id)
        filters["article"] = article_id
    if email := request.GET.get("email", "").strip():
        comments = comments.by_email(email)
        filters["email"] = email
    page = Paginator(comments, PER_PAGE).get_page(request.GET.get("p"))
    counts = dict(Comment.objects.order_by().values_list("status").annotate(n=Count("pk")))
    return TemplateResponse(
        request,
        "comments/admin/queue.html",
        {
            "header_title": "Comments",
            "page_title": "Comments",
            "header_icon": "comment",
            "tabs": [(s, label, counts.get(s, 0)) for s, label in Status.choices],
            "status": status,
            "actions": [(name, ACTIONS[name][0], ACTIONS[name][2]) for name in TAB_ACTIONS[status]],
            "page": page,
            "filters": filters,
        },
    )


@permission_required(PERMISSION)
def detail(request, comment_id):
    comment = get_object_or_404(Comment.objects.select_related("article", "parent", "moderated_by"), pk=comment_id)
    others = Comment.objects.for_queue().by_email(comment.author_email).exclude(pk=comment.pk)[:50]
    return TemplateResponse(
        request,
        "comments/admin/detail.html",
        {
            "header_title": f"Comment by {comment.author_name}",
            "page_title": "Comment",
            "page_subtitle": comment.author_name,
            "header_icon": "comment",
            "comment": comment,
            # The page of the article's comments showing it, while readers can see it.
            "on_site_url": comment_url(comment, request, full=True) if comment.status == Status.APPROVED else None,
            "others": others,
            "actions": TAB_ACTIONS[comment.status],
        },
    )


@permission_required(PERMISSION)
@require_http_methods(["GET", "POST"])
def act(request, comment_id, action):
    """One action on one comment: a GET (e.g. from a notification email) asks, a POST does it."""
    comment = get_object_or_404(Comment.objects.select_related("article"), pk=comment_id)
    if action not in ACTIONS:
        return redirect("comments_admin:detail", comment.pk)
    status, done, _label = ACTIONS[action]
    if request.method == "POST":
        moderation.set_status([comment.pk], status, request.user)
        messages.success(request, f"Comment by {comment.author_name} {done}.")
        next_url = _next_url(request)
        return redirect(next_url) if next_url else redirect("comments_admin:detail", comment.pk)
    return TemplateResponse(
        request,
        "comments/admin/confirm.html",
        {
            "header_title": "Moderate comment",
            "page_title": f"{action.capitalize()} this comment?",
            "header_icon": "comment",
            "comment": comment,
            "action": action,
        },
    )


def _bulk_action(request):
    action = request.POST.get("action")
    ids = [pk for pk in (to_int(v) for v in request.POST.getlist("comment")) if pk]
    back = _next_url(request) or request.get_full_path()
    if action not in ACTIONS:
        messages.error(request, "Choose what to do with the selected comments.")
    elif not ids:
        messages.error(request, "Select one or more comments first.")
    else:
        changed = moderation.set_status(ids, ACTIONS[action][0], request.user)
        messages.success(request, f"{changed} comment{'s' if changed != 1 else ''} {ACTIONS[action][1]}.")
    return redirect(back)


def _next_url(request):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return None
