from django.apps import AppConfig


class MastheadConfig(AppConfig):
    name = "caspian.masthead"
    verbose_name = "Masthead"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import jobs  # noqa: F401 (registers the scheduled job)
