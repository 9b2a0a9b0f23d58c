from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "caspian.api"
    label = "caspian_api"
    verbose_name = "Content API"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import jobs, keys  # noqa: F401 (jobs registers the job folding usage counts into the database)

        keys.connect()
