from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "seedbed.learning"
    label = "learning"
    verbose_name = "Learning"
