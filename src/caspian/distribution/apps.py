from django.apps import AppConfig


class DistributionConfig(AppConfig):
    name = "caspian.distribution"
    verbose_name = "Distribution"
    default_auto_field = "django.db.models.BigAutoField"
