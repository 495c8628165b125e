from django.urls import path

from petal.access.decorators import requires
from petal.referrals import times, views

app_name = "referrals"

make = requires("referrals.make")
receive = requires("referrals.receive")
view = requires("referrals.view")
measures = requires("referrals.measures")

urlpatterns = [
    path("", make(views.sent), name="sent"),
    path("inbox", receive(views.inbox), name="inbox"),
    path("new", make(views.referral_new), name="new"),
    path("<int:referral_id>", view(views.referral_detail), name="referral"),
    path("<int:referral_id>/move", view(views.referral_move), name="move"),
    path("<int:referral_id>/notes", view(views.referral_note), name="note"),
    path("times/", measures(times.times), name="times"),
    path("times/services/<uuid:service_id>", measures(times.times_service), name="times-service"),
    path("times/districts/<slug:code>", measures(times.times_district), name="times-district"),
    path(
        "times/partnerships/<slug:slug>",
        measures(times.times_partnership),
        name="times-partnership",
    ),
]
