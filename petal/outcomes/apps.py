from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "petal.outcomes"
    label = "outcomes"
    verbose_name = "Outcomes and reports"
