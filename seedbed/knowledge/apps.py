from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    name = "seedbed.knowledge"
    label = "knowledge"
    verbose_name = "Knowledge"
