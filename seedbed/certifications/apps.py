from django.apps import AppConfig


class CertificationsConfig(AppConfig):
    name = "seedbed.certifications"
    label = "certifications"
    verbose_name = "Certifications"
