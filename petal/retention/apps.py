from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "petal.retention"
    label = "retention"
    verbose_name = "Retention schedules"
