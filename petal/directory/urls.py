from django.urls import path

from petal.access.decorators import public, requires
from petal.directory import views

app_name = "directory"

edit = requires("directory.edit")
manage = requires("directory.manage")

urlpatterns = [
    path("", public(views.directory), name="directory"),
    path("services/new", edit(views.service_new), name="service-new"),
    path("services/<uuid:service_id>", public(views.service_detail), name="service"),
    path("services/<uuid:service_id>/edit", edit(views.service_edit), name="service-edit"),
    path("organisations/new", manage(views.organisation_new), name="organisation-new"),
    path("organisations/<slug:slug>", public(views.organisation_detail), name="organisation"),
    path(
        "organisations/<slug:slug>/edit",
        manage(views.organisation_edit),
        name="organisation-edit",
    ),
    path(
        "organisations/<slug:slug>/locations/new",
        edit(views.location_new),
        name="location-new",
    ),
]
