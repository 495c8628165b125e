"""Data-protection rights: subject access, rectification, restriction and erasure cases
(paths under /rights/)."""

from django.urls import path  # noqa: F401

app_name = "rights"

urlpatterns: list = []
