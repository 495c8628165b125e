from django.apps import AppConfig


class ProgrammeConfig(AppConfig):
    name = "petal.programme"
    label = "programme"
    verbose_name = "Running the programme"
