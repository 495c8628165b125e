"""The learning library: public pages (the list, each document and its PDF) and the programme
team's pages (full paths: included at the root)."""

from django.urls import path

from petal.access.decorators import public, requires
from petal.programme.views import library as views

app_name = "library"

manage = requires("programme.manage")

urlpatterns = [
    path("library/", public(views.library_list), name="list"),
    path("library/<int:item_id>", public(views.library_item), name="item"),
    path("library/<int:item_id>.pdf", public(views.library_pdf), name="pdf"),
    path("programme/library/", manage(views.manage), name="manage"),
    path("programme/library/new", manage(views.new), name="new"),
    path("programme/library/<int:item_id>", manage(views.manage_item), name="manage-item"),
    path("programme/library/<int:item_id>/edit", manage(views.edit), name="edit"),
    path("programme/library/<int:item_id>/publish", manage(views.publish), name="publish"),
    path(
        "programme/library/<int:item_id>/agreements/new",
        manage(views.consent_new),
        name="consent-new",
    ),
    path(
        "programme/library/<int:item_id>/agreements/<int:consent_id>/withdraw",
        manage(views.consent_withdraw),
        name="consent-withdraw",
    ),
]
