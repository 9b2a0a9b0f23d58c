"""The newsroom's panel on the admin dashboard: each list a link to act on.

Stories waiting for the user's review, their own drafts, their stories sent
back with changes requested (with the editor's words), what is scheduled to
go live, their stories published lately, and the claims to check. It
replaces Wagtail's "Awaiting your review" panel; Wagtail's panels of the
user's stories in review and latest edits stay beside it.
"""

from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Exists, IntegerField, OuterRef, Q
from django.db.models.functions import Cast
from django.utils import timezone
from wagtail.admin.ui.components import Component
from wagtail.models import Page, Revision, TaskState, WorkflowState
from wagtail.permission_policies.pages import PagePermissionPolicy

from .models import ArticlePage
from .stale_claims import stale

SCHEDULED_SHOWN = 10
PUBLISHED_SHOWN = 5
PUBLISHED_DAYS = 7
DRAFTS_SHOWN = 10
REVIEW_SHOWN = 10
CHANGES_SHOWN = 10


class NewsroomPanel(Component):
    name = "newsroom"
    template_name = "newsroom/admin/dashboard_panel.html"
    order = 60  # above Wagtail's review panels

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context):
        return {
            "to_review": waiting_for_review(self.user),
            "changes_requested": changes_requested(self.user),
            "drafts": my_drafts(self.user),
            "scheduled": scheduled_stories(self.user),
            "published": published_lately(self.user),
            "stale_claims": self.stale_claims(),
        }

    def stale_claims(self):
        articles = PagePermissionPolicy().instances_user_has_permission_for(self.user, "publish")
        return stale().filter(article__in=articles.values("pk")).values("article").distinct().count()


def _of_page(outer="pk"):
    """Lookups matching a workflow state or revision (whose object id is text) to the page ``outer``."""
    return {
        "base_content_type": ContentType.objects.get_for_model(Page),
        "object_id": Cast(OuterRef(outer), output_field=CharField()),
    }


def _pages(object_ids):
    """The pages with these (text) object ids, by id: title and draft title only, in one query."""
    return Page.objects.filter(pk__in=[int(pk) for pk in object_ids]).only("title", "draft_title").in_bulk()


def waiting_for_review(user, limit=REVIEW_SHOWN):
    """``(page, task state)`` for the stories ``user`` may review now, the longest waiting first."""
    states = list(
        TaskState.objects.reviewable_by(user)
        .filter(workflow_state__base_content_type=ContentType.objects.get_for_model(Page))
        .select_related("workflow_state__requested_by")
        .order_by("started_at", "pk")[:limit]
    )
    pages = _pages(state.workflow_state.object_id for state in states)
    return [(pages[int(s.workflow_state.object_id)], s) for s in states if int(s.workflow_state.object_id) in pages]


def changes_requested(user, limit=CHANGES_SHOWN):
    """``(page, task state)`` for ``user``'s stories sent back for changes, the latest request first.

    ``user``'s: they own the page or submitted it. The task state is the
    request (its ``comment`` and ``finished_by``), or ``None`` if the workflow
    holds none.
    """
    mine = Page.objects.filter(owner=user, pk=Cast(OuterRef("object_id"), output_field=IntegerField()))
    states = list(
        WorkflowState.objects.filter(
            status=WorkflowState.STATUS_NEEDS_CHANGES, base_content_type=ContentType.objects.get_for_model(Page)
        )
        .filter(Q(requested_by=user) | Exists(mine))
        .select_related("current_task_state__finished_by")
        .order_by("-current_task_state__finished_at", "-pk")[:limit]
    )
    pages = _pages(state.object_id for state in states)
    requests = []
    for state in states:
        request = state.current_task_state
        if request is not None and request.status != TaskState.STATUS_REJECTED:
            request = None
        if int(state.object_id) in pages:
            requests.append((pages[int(state.object_id)], request))
    return requests


def my_drafts(user, limit=DRAFTS_SHOWN):
    """``user``'s articles never published, neither in review nor scheduled: the latest edited first."""
    in_review = WorkflowState.objects.active().filter(**_of_page())
    scheduled = Revision.objects.filter(approved_go_live_at__isnull=False, **_of_page())
    drafts = ArticlePage.objects.filter(owner=user, live=False).exclude(Exists(in_review)).exclude(Exists(scheduled))
    return list(drafts.order_by("-latest_revision_created_at", "-pk").only("draft_title", "title")[:limit])


def scheduled_stories(user, limit=SCHEDULED_SHOWN):
    """``(article, go-live time)`` for the next stories due to go live that ``user`` may edit, soonest first."""
    editable = PagePermissionPolicy().instances_user_has_permission_for(user, "change")
    revisions = Revision.objects.page_revisions().filter(approved_go_live_at__gt=timezone.now())
    due = {int(object_id): at for object_id, at in revisions.values_list("object_id", "approved_go_live_at")}
    articles = ArticlePage.objects.filter(pk__in=due).filter(pk__in=editable.values("pk")).only("title", "live")
    return sorted(((article, due[article.pk]) for article in articles), key=lambda pair: pair[1])[:limit]


def published_lately(user, limit=PUBLISHED_SHOWN):
    """``user``'s own stories that went live in the last week, newest first: the writer hears they are out."""
    since = timezone.now() - timedelta(days=PUBLISHED_DAYS)
    mine = ArticlePage.objects.live().filter(owner=user, last_published_at__gte=since)
    return list(mine.order_by("-last_published_at").only("title", "url_path", "last_published_at")[:limit])


def newsroom_panel(request, panels):
    """``construct_homepage_panels`` hook: the panel for those who write, edit or publish stories.

    Wagtail's "Awaiting your review" is left out: "Waiting for my review" lists the same stories.
    """
    if PagePermissionPolicy().user_has_any_permission(request.user, ["add", "change", "publish"]):
        panels[:] = [panel for panel in panels if getattr(panel, "name", None) != "workflow_objects_to_moderate"]
        panels.append(NewsroomPanel(request.user))
