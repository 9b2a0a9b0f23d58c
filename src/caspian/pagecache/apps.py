from django.apps import AppConfig


class PageCacheConfig(AppConfig):
    name = "caspian.pagecache"
    verbose_name = "Page cache"

    def ready(self):
        from ..fragments import keep_with
        from . import dependencies, signals
        from .fragments import keep

        dependencies.connect()
        signals.connect()
        keep_with(keep)  # the parts of pages are kept under the page cache's tags
