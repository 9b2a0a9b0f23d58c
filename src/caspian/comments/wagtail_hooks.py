from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.viewsets.model import ModelViewSet

from . import admin_views
from .models import BlockRule, Comment

admin_urls = [
    path("", admin_views.queue, name="queue"),
    path("<int:comment_id>/", admin_views.detail, name="detail"),
    path("<int:comment_id>/<str:action>/", admin_views.act, name="act"),
]


@hooks.register("register_admin_urls")
def comments_admin_urls():
    return [path("comments/", include((admin_urls, "comments_admin")))]


class CommentsMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(admin_views.PERMISSION)


@hooks.register("register_admin_menu_item")
def comments_menu_item():
    return CommentsMenuItem("Comments", reverse("comments_admin:queue"), icon_name="comment", order=250)


class WaitingCommentsPanel(Component):
    """The dashboard's reminder of comments waiting for a moderator."""

    name = "waiting_comments"
    template_name = "comments/admin/home_panel.html"
    order = 90

    def get_context_data(self, parent_context):
        waiting = Comment.objects.pending()
        return {"waiting": waiting.count(), "reported": waiting.filter(flag_count__gt=0).count()}


@hooks.register("construct_homepage_panels")
def waiting_comments_panel(request, panels):
    if request.user.has_perm(admin_views.PERMISSION):
        panels.append(WaitingCommentsPanel())


class BlockRuleViewSet(ModelViewSet):
    model = BlockRule
    icon = "cross"
    menu_label = "Comment blocklist"
    menu_order = 260
    add_to_admin_menu = True
    form_fields = ["kind", "value", "note"]
    list_display = ["value", "kind", "note", "created_at"]
    list_filter = ["kind"]
    search_fields = ["value", "note"]


@hooks.register("register_admin_viewset")
def block_rules():
    return BlockRuleViewSet("comment_blocklist")
