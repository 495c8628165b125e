"""Events: workshops and network meetings the programme team publishes."""

from django.urls import path

from petal.access.decorators import requires
from petal.champions.views import events as views

app_name = "events"

see = requires("events.view")
manage = requires("events.manage")

urlpatterns = [
    path("", see(views.events), name="list"),
    path("new", manage(views.event_new), name="new"),
    path("<int:event_id>", see(views.event), name="event"),
    path("<int:event_id>/change", manage(views.event_change), name="change"),
    path("<int:event_id>/cancel", manage(views.event_cancel), name="cancel"),
    path("<int:event_id>/register", see(views.register), name="register"),
    path("<int:event_id>/attendance", manage(views.attendance), name="attendance"),
    path("<int:event_id>/calendar.ics", see(views.calendar), name="calendar"),
]
