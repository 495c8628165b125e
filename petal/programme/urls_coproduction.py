"""The co-production register and feedback: the programme team's alone (full paths: included
at the root). Published feedback is shown on the public "You said, we did" page
(``learning:list``)."""

from django.urls import path

from petal.access.decorators import requires
from petal.programme.views import coproduction as views

app_name = "coproduction"

manage = requires("programme.manage")
BASE = "programme/co-production/"

urlpatterns = [
    path(BASE, manage(views.register), name="register"),
    path(f"{BASE}new", manage(views.new), name="new"),
    path(f"{BASE}feedback/", manage(views.feedback), name="feedback"),
    path(f"{BASE}feedback/new", manage(views.feedback_new), name="feedback-new"),
    path(f"{BASE}feedback/<int:feedback_id>", manage(views.feedback_item), name="feedback-item"),
    path(
        f"{BASE}feedback/<int:feedback_id>/publish",
        manage(views.feedback_publish),
        name="feedback-publish",
    ),
    path(f"{BASE}<int:contributor_id>", manage(views.contributor), name="contributor"),
    path(f"{BASE}<int:contributor_id>/edit", manage(views.edit), name="edit"),
    path(
        f"{BASE}<int:contributor_id>/taking-part/new",
        manage(views.participation_new),
        name="participation-new",
    ),
    path(
        f"{BASE}<int:contributor_id>/recognition/new",
        manage(views.recognition_new),
        name="recognition-new",
    ),
]
