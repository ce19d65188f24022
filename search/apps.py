from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    label = "casebook_search"
    verbose_name = "Peer search"
