from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    name = "seedbed.knowledge"
    label = "knowledge"
    verbose_name = "Knowledge"

    def ready(self) -> None:
        from seedbed.knowledge.evidence import connect

        connect()
