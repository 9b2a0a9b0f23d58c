from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.model import ModelViewSet

from . import admin_views
from .models import BlockRule

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
