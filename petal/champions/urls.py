"""The pledge, the champions directory, support connections and barriers from the network."""

from django.urls import path

from petal.access.decorators import public, requires
from petal.champions.views import champions as views
from petal.champions.views import topics as topic_views

app_name = "champions"

see = requires("champions.view")
approve = requires("champions.approve")
connect = requires("champions.connect")

urlpatterns = [
    path("", see(views.directory), name="directory"),
    # The public pledge: anyone reads it; a visitor or a signed-in worker signs it.
    path("pledge", public(views.pledge), name="pledge"),
    path("pledge/signed", public(views.pledge_signed), name="pledge-signed"),
    # The link emailed to a visitor who signed, proving the email address is theirs.
    path("pledge/confirm/<str:token>", public(views.pledge_confirm), name="pledge-confirm"),
    # The programme team's queue of pledges to approve.
    path("pledges", approve(views.pledges), name="pledges"),
    path("pledges/<int:champion_id>", approve(views.pledge_review), name="pledge-review"),
    # A champion's own entry: change it, or withdraw. With support connections, for workers
    # only (every worker role): a person's own sign-in to their record has no place here.
    path("me", see(views.profile), name="profile"),
    path("me/withdraw", see(views.withdraw), name="withdraw"),
    path("connections", see(views.connections), name="connections"),
    path("connections/<int:connection_id>", see(views.connection), name="connection"),
    path(
        "connections/<int:connection_id>/respond",
        see(views.connection_respond),
        name="connection-respond",
    ),
    path(
        "connections/<int:connection_id>/close",
        see(views.connection_close),
        name="connection-close",
    ),
    path(
        "barriers/new",
        requires("champions.raise_barrier")(views.barrier_new),
        name="barrier-new",
    ),
    path("barriers", requires("champions.raise_barrier")(views.barriers), name="barriers"),
    # The topics the programme team keeps: a champion's skills and the network's tags.
    path("topics", approve(topic_views.topics), name="topics"),
    path("topics/<int:topic_id>", approve(topic_views.topic), name="topic"),
    path("<int:champion_id>", see(views.champion), name="champion"),
    path("<int:champion_id>/connect", connect(views.connect), name="connect"),
]
