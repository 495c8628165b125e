from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "petal.retention"
    label = "retention"
    verbose_name = "Retention schedules"

    def ready(self):
        # Petal's own handlers; other apps register theirs from their own ready().
        from petal.retention import handlers  # noqa: F401
