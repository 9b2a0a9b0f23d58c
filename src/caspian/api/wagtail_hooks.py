"""The admin's Partners menu: API keys (created, limited, revoked) and their usage per day. Administrators only."""

from django.template.response import TemplateResponse
from wagtail import hooks
from wagtail.admin.views.generic import CreateView
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from .models import ApiKey, ApiKeyUsage


class ApiKeyCreateView(CreateView):
    """Create a key and show it, this once: only its hash is stored."""

    def save_instance(self):
        self.raw_key = self.form.instance.issue()
        return super().save_instance()  # saved and logged as Wagtail does

    def save_action(self):
        context = self.get_context_data(form=self.form)
        context.update(key=self.object, raw_key=self.raw_key, index_url=self.get_success_url())
        response = TemplateResponse(self.request, "caspian_api/admin/key_created.html", context)
        response["Cache-Control"] = "no-store"  # the key must not stay in any cache
        return response


class ApiKeyViewSet(ModelViewSet):
    model = ApiKey
    icon = "key"
    menu_label = "API keys"
    add_view_class = ApiKeyCreateView
    form_fields = ["partner", "contact_email", "requests_per_minute", "active", "note"]
    list_display = ["partner", "prefix", "active", "requests_per_minute", "created_at"]
    list_filter = ["active"]
    copy_view_enabled = False  # a copy would need a new secret: create a key instead
    search_fields = ["partner", "prefix", "contact_email"]


class CountedNotEdited(ModelPermissionPolicy):
    """Usage rows are written by the API's counts only: nobody adds, changes or deletes them in the admin."""

    def user_has_permission(self, user, action):
        return action not in {"add", "change", "delete"} and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


register_permission_policy(ApiKeyUsage, CountedNotEdited(ApiKeyUsage))


class ApiUsageViewSet(ModelViewSet):
    model = ApiKeyUsage
    icon = "table"
    menu_label = "API usage"
    list_display = ["day", "key", "requests", "refused"]
    list_filter = ["key", "day"]
    inspect_view_enabled = True
    copy_view_enabled = False
    form_fields = ["requests", "refused"]  # required of a ModelViewSet; no one may edit (CountedNotEdited)


class PartnersGroup(ViewSetGroup):
    menu_label = "Partners"
    menu_icon = "link"
    menu_order = 270
    items = (ApiKeyViewSet("api_keys"), ApiUsageViewSet("api_usage"))


@hooks.register("register_admin_viewset")
def partners():
    return PartnersGroup()
