"""Trauma-informed self-assessment and staff training records (full paths: included at the
root). Every worker reaches the pages; which organisations they see is decided per
organisation (petal.access.programme), and the side-by-side view is the programme team's."""

from django.urls import path

from petal.access.decorators import requires
from petal.programme.views import assessment as views

app_name = "assessment"

use = requires("selfassessment.use")

urlpatterns = [
    path("self-assessment/", use(views.home), name="home"),
    path("self-assessment/start", use(views.start), name="start"),
    path("self-assessment/compare", requires("programme.manage")(views.compare), name="compare"),
    path("self-assessment/organisations/<slug:slug>", use(views.organisation), name="organisation"),
    path(
        "self-assessment/organisations/<slug:slug>/training/new",
        use(views.training_new),
        name="training-new",
    ),
    path("self-assessment/<int:assessment_id>", use(views.assessment), name="assessment"),
    path("self-assessment/<int:assessment_id>/submit", use(views.submit), name="submit"),
]
