"""The accounts app in Wagtail's admin: account pages, the users listing, sign-in locks, log actions."""

from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import ListingButton

from . import audit, views
from .models import SignInThrottle


@hooks.register("register_admin_urls")
def accounts_admin_urls():
    return [
        path("account/two-factor/", views.two_factor_page, name="accounts_two_factor"),
        path("account/two-factor/verify/", views.verify, name="accounts_verify"),
        path("account/two-factor/authenticator/", views.setup_authenticator, name="accounts_setup_authenticator"),
        path("account/two-factor/recovery-codes/", views.recovery_codes, name="accounts_recovery_codes"),
        path("account/two-factor/remove/<str:kind>/<int:pk>/", views.remove_device, name="accounts_remove_device"),
        path("account/two-factor/passkeys/", include("django_otp_webauthn.urls")),
        path("account/sessions/", views.sessions_page, name="accounts_sessions"),
        path("users/<int:user_id>/reset-two-factor/", views.reset_two_factor, name="accounts_reset_two_factor"),
        path("sign-in-locks/<int:pk>/lift/", views.release_lock, name="accounts_release_lock"),
    ]


@hooks.register("register_account_menu_item")
def two_factor_menu_item(request):
    return {
        "url": reverse("accounts_two_factor"),
        "label": "Two-factor sign-in",
        "help_text": "Authenticator app, passkeys and recovery codes for signing in.",
    }


@hooks.register("register_account_menu_item")
def sessions_menu_item(request):
    return {
        "url": reverse("accounts_sessions"),
        "label": "Your sessions",
        "help_text": "Where you are signed in; sign out of other devices.",
    }


@hooks.register("register_user_listing_buttons")
def reset_two_factor_button(user, request_user):
    if views._may_manage(request_user, user):
        yield ListingButton(
            "Reset two-factor",
            url=reverse("accounts_reset_two_factor", args=[user.pk]),
            icon_name="key",
            priority=60,
            attrs={"aria-label": f"Reset two-factor sign-in for {user.get_username()}"},
        )


hooks.register("register_log_actions", audit.register_actions)


class LockIndexView(IndexView):
    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if instance.is_locked() or instance.wait_until:
            buttons.insert(
                0,
                ListingButton(
                    "Lift lock", url=reverse("accounts_release_lock", args=[instance.pk]), icon_name="lock-open"
                ),
            )
        return buttons


class SignInLockViewSet(ModelViewSet):
    """Sign-in locks and slowed-down names and addresses, newest failure first; an administrator lifts them here."""

    model = SignInThrottle
    icon = "lock"
    menu_label = "Sign-in locks"
    add_to_settings_menu = True
    index_view_class = LockIndexView
    list_display = ["__str__", "failures", Column("last_failure_at", label="Last failure"), "locked_until"]
    list_filter = ["kind"]
    search_fields = ["key"]
    ordering = ["-locked_until", "-last_failure_at"]
    form_fields = ["kind", "key", "locked_until"]
    copy_view_enabled = False


@hooks.register("register_admin_viewset")
def sign_in_locks():
    return SignInLockViewSet("accounts_signinthrottle")
