from django.apps import AppConfig


class DistributionConfig(AppConfig):
    name = "caspian.distribution"
    verbose_name = "Distribution"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from ..newsroom import page_parts
        from . import feeds

        page_parts.add_to_corrections_page("feeds", feeds.corrections_page_feeds)
