from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "seedbed.imports"
    label = "imports"
    verbose_name = "Imports"
