from django.apps import AppConfig


class DevelopmentConfig(AppConfig):
    name = "seedbed.development"
    label = "development"
    verbose_name = "Development"
