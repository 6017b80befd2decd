from django.apps import AppConfig


class GapsConfig(AppConfig):
    name = "seedbed.gaps"
    label = "gaps"
    verbose_name = "Gaps"
