from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "caspian.comments"
    verbose_name = "Comments"
    default_auto_field = "django.db.models.BigAutoField"
