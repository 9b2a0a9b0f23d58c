from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "caspian.comments"
    verbose_name = "Comments"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from ..newsroom import page_parts
        from . import checks, display, jobs  # noqa: F401 (register the configuration checks and the scheduled jobs)

        page_parts.add_to_article_page("comments", display.article_context)
