from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "petal.accounts"
    label = "accounts"
    verbose_name = "Accounts and organisations"
