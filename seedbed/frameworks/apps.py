from django.apps import AppConfig


class FrameworksConfig(AppConfig):
    name = "seedbed.frameworks"
    label = "frameworks"
    verbose_name = "Frameworks"
