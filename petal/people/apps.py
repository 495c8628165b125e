from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "petal.people"
    label = "people"
    verbose_name = "People and their stories"
