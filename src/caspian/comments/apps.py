from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "caspian.comments"
    verbose_name = "Comments"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import checks, jobs  # noqa: F401 (register the configuration checks and the scheduled jobs)
