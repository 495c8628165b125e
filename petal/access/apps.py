from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "petal.access"
    label = "access"
    verbose_name = "Access policy"
