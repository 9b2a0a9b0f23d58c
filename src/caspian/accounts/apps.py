from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "caspian.accounts"
    verbose_name = "Staff accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import jobs, signals  # noqa: F401 (jobs registers the hourly housekeeping)

        signals.connect()
