"""Newsletters: the public archive, subscribing and unsubscribing, and images (public); writing,
previewing, publishing and sending (the programme team). Full paths: included at the root."""

from django.urls import path

from petal.access.decorators import public, requires
from petal.programme.views import newsletters as views

app_name = "newsletters"

manage = requires("programme.manage")

urlpatterns = [
    path("newsletters/", public(views.archive), name="archive"),
    path("newsletters/<int:newsletter_id>", public(views.newsletter), name="newsletter"),
    path("newsletters/subscribe", public(views.subscribe), name="subscribe"),
    path("newsletters/subscribe/sent", public(views.subscribe_sent), name="subscribe-sent"),
    path("newsletters/confirm/<str:token>", public(views.confirm), name="confirm"),
    # Without a CSRF token (the view is csrf_exempt): mail clients' one-click unsubscribe.
    path("newsletters/unsubscribe/<str:token>", public(views.unsubscribe), name="unsubscribe"),
    path("newsletters/images/<str:name>", public(views.image), name="image"),
    path("programme/newsletters/", manage(views.manage), name="manage"),
    path("programme/newsletters/new", manage(views.new), name="new"),
    path("programme/newsletters/images", manage(views.images), name="images"),
    path("programme/newsletters/<int:newsletter_id>", manage(views.preview), name="preview"),
    path("programme/newsletters/<int:newsletter_id>/edit", manage(views.edit), name="edit"),
    path(
        "programme/newsletters/<int:newsletter_id>/publish",
        manage(views.publish),
        name="publish",
    ),
    path(
        "programme/newsletters/<int:newsletter_id>/retry",
        manage(views.retry),
        name="retry",
    ),
]
