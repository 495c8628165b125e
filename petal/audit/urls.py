from django.urls import path

from petal.access.decorators import requires
from petal.audit import views

app_name = "audit"

urlpatterns = [
    path("", requires("audit.view")(views.event_list), name="events"),
    path("verify", requires("audit.view")(views.verify), name="verify"),
]
