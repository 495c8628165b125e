"""The programme team's home: /programme/."""

from django.urls import path

from petal.access.decorators import requires
from petal.programme.views import home

app_name = "programme"

urlpatterns = [
    path("programme/", requires("programme.manage")(home.home), name="home"),
]
