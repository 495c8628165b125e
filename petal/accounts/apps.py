from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "petal.accounts"
    label = "accounts"
    verbose_name = "Accounts and organisations"

    def ready(self):
        from petal.accounts import signals  # noqa: F401
