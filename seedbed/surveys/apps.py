from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "seedbed.surveys"
    label = "surveys"
    verbose_name = "Surveys"
