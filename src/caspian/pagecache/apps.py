from django.apps import AppConfig


class PageCacheConfig(AppConfig):
    name = "caspian.pagecache"
    verbose_name = "Page cache"

    def ready(self):
        from . import dependencies, signals

        dependencies.connect()
        signals.connect()
