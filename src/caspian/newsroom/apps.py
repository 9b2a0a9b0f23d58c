from django.apps import AppConfig


class NewsroomConfig(AppConfig):
    name = "caspian.newsroom"
    verbose_name = "Newsroom"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import admin_time, images, jobs, signals  # noqa: F401 (jobs registers the scheduled jobs)

        signals.connect()
        admin_time.connect()
        images.use_fast_avif_encoding()
