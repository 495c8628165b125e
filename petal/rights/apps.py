from django.apps import AppConfig


class RightsConfig(AppConfig):
    name = "petal.rights"
    label = "rights"
    verbose_name = "Data-protection rights"

    def ready(self):
        from petal.rights import retention  # noqa: F401 - registers the retention handlers
