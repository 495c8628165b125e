from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "petal.referrals"
    label = "referrals"
    verbose_name = "Referrals and time to access services"
