"""URL patterns (outcomes): the dashboards, with full paths."""

from django.urls import path

from petal.access.decorators import requires
from petal.outcomes.views import dashboards

app_name = "outcomes"

view = requires("outcomes.dashboards")

urlpatterns = [
    path("outcomes/", view(dashboards.index), name="dashboards"),
    path("outcomes/<slug:slug>/", view(dashboards.dashboard), name="dashboard"),
]
