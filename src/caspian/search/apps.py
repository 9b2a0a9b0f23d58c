from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "caspian.search"
    label = "caspian_search"
    verbose_name = "Search"
