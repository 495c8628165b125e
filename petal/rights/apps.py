from django.apps import AppConfig


class RightsConfig(AppConfig):
    name = "petal.rights"
    label = "rights"
    verbose_name = "Data-protection rights"
