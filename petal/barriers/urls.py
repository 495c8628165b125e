"""Barriers: raising them, "I have met this too", deciding them at a group's meeting, merging
similar ones, and the learning a resolved one becomes."""

from django.urls import path

from petal.access.decorators import requires
from petal.barriers.views import barriers as views
from petal.barriers.views import decisions, learning

app_name = "barriers"

view = requires("barriers.view")
raise_ = requires("barriers.raise")
decide = requires("barriers.decide")

urlpatterns = [
    path("", view(views.barriers), name="list"),
    path("new", raise_(views.barrier_new), name="new"),
    path("mine", raise_(views.mine), name="mine"),
    path("<int:barrier_id>", view(views.barrier), name="barrier"),
    path("<int:barrier_id>/me-too", raise_(views.me_too), name="me-too"),
    path("<int:barrier_id>/decide", decide(decisions.decide), name="decide"),
    path("<int:barrier_id>/merge", decide(views.merge), name="merge"),
    path("<int:barrier_id>/learning", decide(learning.learning_write), name="learning-write"),
    path("learning/", view(learning.learning_list), name="learning-list"),
    path("learning/<int:entry_id>", view(learning.learning_entry), name="learning-entry"),
    path(
        "learning/<int:entry_id>/publish",
        requires("learning.publish")(learning.learning_publish),
        name="learning-publish",
    ),
]
