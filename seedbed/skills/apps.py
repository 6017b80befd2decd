from django.apps import AppConfig


class SkillsConfig(AppConfig):
    name = "seedbed.skills"
    label = "skills"
    verbose_name = "Skills"
