from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "petal.audit"
    label = "audit"
    verbose_name = "Audit trail"
