from django.urls import path

from petal.access.decorators import requires
from petal.people import views

app_name = "people"

people = requires("people.use")
add = requires("people.add")

urlpatterns = [
    path("", people(views.caseload), name="caseload"),
    path("export.csv", people(views.caseload_csv), name="export"),
    path("new", add(views.person_new), name="new"),
    path("new/check", add(views.person_new_check), name="new-check"),
    path("new/connect", add(views.person_new_connect), name="new-connect"),
    path("connections", add(views.connections), name="connections"),
    path(
        "connections/<int:request_id>/close",
        add(views.connection_close),
        name="connection-close",
    ),
    path("new/<slug:step>", add(views.person_new), name="new-step"),
    path("<int:person_id>", people(views.person_detail), name="person"),
    path("<int:person_id>/edit/<slug:section>", people(views.person_edit), name="edit"),
    path("<int:person_id>/episodes/new", people(views.episode_new), name="episode-new"),
    path(
        "<int:person_id>/episodes/<int:episode_id>/end",
        people(views.episode_end),
        name="episode-end",
    ),
    path("<int:person_id>/contacts/new", people(views.contact_new), name="contact-new"),
    path(
        "<int:person_id>/relationships/new",
        people(views.relationship_new),
        name="relationship-new",
    ),
    path("<int:person_id>/handover/new", people(views.handover_new), name="handover-new"),
    path(
        "<int:person_id>/handover/<int:handover_id>/complete",
        people(views.handover_complete),
        name="handover-complete",
    ),
]
