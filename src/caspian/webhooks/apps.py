from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "caspian.webhooks"
    verbose_name = "Webhooks"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import jobs, signals  # noqa: F401 (jobs registers the scheduled job)

        signals.connect()
