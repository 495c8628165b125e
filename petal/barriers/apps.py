from django.apps import AppConfig


class BarriersConfig(AppConfig):
    name = "petal.barriers"
    label = "barriers"
    verbose_name = "Barriers, governance groups and shared learning"
