"""Retention schedules and what each run did (paths under /retention/)."""

from django.urls import path

from petal.access.decorators import requires
from petal.retention import views

app_name = "retention"

view = requires("retention.view")

urlpatterns = [
    path("", view(views.schedule), name="schedule"),
    path("runs/", view(views.runs), name="runs"),
    path("runs/dry-run", view(views.dry_run), name="dry-run"),
    path("runs/<int:run_id>", view(views.run), name="run"),
]
