"""Retention schedules and what each run did (paths under /retention/)."""

from django.urls import path  # noqa: F401

app_name = "retention"

urlpatterns: list = []
