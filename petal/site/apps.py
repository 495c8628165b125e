from django.apps import AppConfig


class SiteConfig(AppConfig):
    name = "petal.site"
    label = "site"
    verbose_name = "Public pages"
