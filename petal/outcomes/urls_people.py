"""A person's assessments over time and service use by quarter, under their record (full
paths). Every page asks the people access rule: someone else's person answers 404."""

from django.urls import path

from petal.access.decorators import requires
from petal.outcomes.views import assessments as views

app_name = "assessments"

people = requires("people.use")

urlpatterns = [
    path("people/<int:person_id>/assessments/", people(views.assessments), name="list"),
    path(
        "people/<int:person_id>/assessments/new/<slug:tool>",
        people(views.assessment_new),
        name="new",
    ),
    path(
        "people/<int:person_id>/assessments/<int:assessment_id>",
        people(views.assessment_detail),
        name="detail",
    ),
    path(
        "people/<int:person_id>/service-use/new",
        people(views.service_use_new),
        name="service-use-new",
    ),
    path(
        "people/<int:person_id>/service-use/<int:year>/q<int:quarter>",
        people(views.service_use_edit),
        name="service-use-edit",
    ),
]
