from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "seedbed.search"
    label = "search"
    verbose_name = "Search"
