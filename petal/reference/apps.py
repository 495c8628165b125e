from django.apps import AppConfig


class ReferenceConfig(AppConfig):
    name = "petal.reference"
    label = "reference"
    verbose_name = "Reference data"
