from django.urls import path

from petal.access.decorators import requires
from petal.meetings import views

app_name = "meetings"

see = requires("meetings.view")
convene = requires("meetings.convene")
sessions = requires("meetings.sessions")
actions = requires("actions.view")

urlpatterns = [
    path("", see(views.meetings), name="list"),
    path("new", convene(views.meeting_new), name="new"),
    path("sessions/new", sessions(views.session_new), name="session-new"),
    path("sessions/bring", convene(views.session_bring), name="session-bring"),
    path("actions/", actions(views.my_actions), name="actions"),
    path("actions/<int:action_id>/status", actions(views.action_status), name="action-status"),
    path("<int:meeting_id>", see(views.meeting_detail), name="meeting"),
    path("<int:meeting_id>/change", see(views.meeting_change), name="change"),
    path("<int:meeting_id>/cancel", see(views.meeting_cancel), name="cancel"),
    path("<int:meeting_id>/invitees", see(views.invitees), name="invitees"),
    path(
        "<int:meeting_id>/invitees/<int:invitation_id>/without-details",
        see(views.invitee_without_details),
        name="invitee-without-details",
    ),
    path(
        "<int:meeting_id>/invitees/<int:invitation_id>/remove",
        see(views.invitee_remove),
        name="invitee-remove",
    ),
    path(
        "<int:meeting_id>/invitees/<int:invitation_id>/pack",
        see(views.pack_preview),
        name="pack-preview",
    ),
    path("<int:meeting_id>/send", see(views.invitations_send), name="send"),
    path("<int:meeting_id>/reply", see(views.reply), name="reply"),
    path("<int:meeting_id>/pack", see(views.pack), name="pack"),
    path("<int:meeting_id>/calendar.ics", see(views.calendar), name="calendar"),
    path("<int:meeting_id>/minutes", see(views.minutes), name="minutes"),
    path("<int:meeting_id>/decisions", see(views.decision_new), name="decision-new"),
    path("<int:meeting_id>/actions/new", see(views.action_new), name="action-new"),
    path("<int:meeting_id>/cases/new", convene(views.case_new), name="case-new"),
    path("<int:meeting_id>/barriers/new", see(views.barrier_new), name="barrier-new"),
]
