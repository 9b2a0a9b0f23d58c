"""The newsroom's panel on the admin dashboard: what is scheduled to go live, the user's stories
published lately, and the claims to check.

Wagtail's own panels already list the stories awaiting the user's review,
their stories in review (with changes requested) and their latest drafts.
"""

from datetime import timedelta

from django.utils import timezone
from wagtail.admin.ui.components import Component
from wagtail.models import Revision
from wagtail.permission_policies.pages import PagePermissionPolicy

from .models import ArticlePage
from .stale_claims import stale

SCHEDULED_SHOWN = 10
PUBLISHED_SHOWN = 5
PUBLISHED_DAYS = 7


class NewsroomPanel(Component):
    name = "newsroom"
    template_name = "newsroom/admin/dashboard_panel.html"
    order = 60  # above Wagtail's review panels

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context):
        return {
            "scheduled": scheduled_stories(self.user),
            "published": published_lately(self.user),
            "stale_claims": self.stale_claims(),
        }

    def stale_claims(self):
        articles = PagePermissionPolicy().instances_user_has_permission_for(self.user, "publish")
        return stale().filter(article__in=articles.values("pk")).values("article").distinct().count()


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
    """``construct_homepage_panels`` hook: the panel for those who may publish or edit stories."""
    if PagePermissionPolicy().user_has_any_permission(request.user, ["publish", "change"]):
        panels.append(NewsroomPanel(request.user))
