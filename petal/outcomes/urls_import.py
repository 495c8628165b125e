"""The caseload import (full paths: included at the root, before petal.people.urls, so
/people/import/ is not taken for a person)."""

from django.urls import path

from petal.access.decorators import requires
from petal.outcomes.views import imports as views

app_name = "imports"

importer = requires("people.import")

urlpatterns = [
    path("people/import/", importer(views.import_list), name="list"),
    path("people/import/template.csv", importer(views.template), name="template"),
    path("people/import/<int:batch_id>", importer(views.batch), name="batch"),
    path("people/import/<int:batch_id>/import", importer(views.run), name="run"),
    path("people/import/<int:batch_id>/undo", importer(views.undo), name="undo"),
]
