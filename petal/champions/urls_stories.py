"""Success stories the programme team features on the public pages."""

from django.urls import path

from petal.access.decorators import public
from petal.champions.views import stories as views

app_name = "stories"

urlpatterns = [
    path("", public(views.featured), name="featured"),
    path("<int:story_id>", public(views.featured_story), name="story"),
]
