from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "petal.directory"
    label = "directory"
    verbose_name = "Service directory"
