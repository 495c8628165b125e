"""The public contact form and get-involved page, and the programme team's contact inbox (full
paths: included at the root, before the site's catch-all)."""

from django.urls import path

from petal.access.decorators import public, requires
from petal.programme.views import contact as views

app_name = "contact"

manage = requires("programme.manage")

urlpatterns = [
    path("contact", public(views.contact), name="contact"),
    path("contact/sent", public(views.sent), name="sent"),
    path("get-involved", public(views.get_involved), name="get-involved"),
    path("programme/contact/", manage(views.inbox), name="inbox"),
    path("programme/contact/<int:message_id>", manage(views.message), name="message"),
]
