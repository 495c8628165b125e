from django.apps import AppConfig


class ChampionsConfig(AppConfig):
    name = "petal.champions"
    label = "champions"
    verbose_name = "Trusted Person Champions, the Champion Network, stories and events"
