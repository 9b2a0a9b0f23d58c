from django.apps import AppConfig


class WordPressConfig(AppConfig):
    name = "caspian.wordpress"
    label = "wordpress"
    verbose_name = "WordPress import"
    default_auto_field = "django.db.models.BigAutoField"
