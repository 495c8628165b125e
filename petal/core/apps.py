from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "petal.core"
    label = "core"
    verbose_name = "Core"
