from django.apps import AppConfig


class ConsentConfig(AppConfig):
    name = "petal.consent"
    label = "consent"
    verbose_name = "Consent and information sharing"
