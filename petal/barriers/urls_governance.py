"""Governance: the structure (a diagram with barriers at each level), the report on decisions
and lived-experience voices, groups and their members, and governance meetings with their
agendas, attendance, actions, minutes and board packs."""

from django.urls import path

from petal.access.decorators import requires
from petal.barriers.views import governance as views
from petal.barriers.views import pack

app_name = "governance"

view = requires("barriers.view")
manage = requires("governance.manage")

urlpatterns = [
    path("", view(views.structure), name="structure"),
    path("report", view(views.report), name="report"),
    path("groups/<slug:slug>", view(views.group), name="group"),
    path("groups/<slug:slug>/members", manage(views.member_add), name="member-add"),
    path(
        "groups/<slug:slug>/members/<int:member_id>/end",
        manage(views.member_end),
        name="member-end",
    ),
    path("groups/<slug:slug>/meetings/new", manage(views.meeting_new), name="meeting-new"),
    path("meetings/<int:meeting_id>", view(views.meeting), name="meeting"),
    path("meetings/<int:meeting_id>/agenda", manage(views.agenda), name="agenda"),
    path(
        "meetings/<int:meeting_id>/agenda/<int:item_id>/remove",
        manage(views.agenda_remove),
        name="agenda-remove",
    ),
    path("meetings/<int:meeting_id>/attendance", manage(views.attendance), name="attendance"),
    path("meetings/<int:meeting_id>/minutes", manage(views.minutes), name="minutes"),
    path("meetings/<int:meeting_id>/actions", manage(views.action_new), name="action-new"),
    path("meetings/<int:meeting_id>/pack.pdf", view(pack.pack), name="pack"),
]
