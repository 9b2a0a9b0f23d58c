from wagtail import hooks
from wagtail.log_actions import LogFormatter

from .views import WebhooksViewSetGroup


@hooks.register("register_admin_viewset")
def webhooks_admin():
    return WebhooksViewSetGroup()


@hooks.register("register_log_actions")
def webhooks_log_actions(actions):
    @actions.register_action("caspian.webhooks.paused")
    class Paused(LogFormatter):
        label = "Pause webhook endpoint"

        def format_message(self, log_entry):
            return f"Paused, as it kept failing: {log_entry.data.get('reason', '')}"

    @actions.register_action("caspian.webhooks.resent")
    class Resent(LogFormatter):
        label = "Resend webhook"

        def format_message(self, log_entry):
            return f"Resent {log_entry.data.get('event', 'a delivery')} ({log_entry.data.get('message_id', '')})"

    actions.register_action("caspian.webhooks.secret_rotated", "Rotate webhook secret", "New signing secret made")
