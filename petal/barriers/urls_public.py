"""The public "You said, we did" page: published learning from resolved barriers."""

from django.urls import path

from petal.access.decorators import public
from petal.barriers.views import learning as views

app_name = "learning"

urlpatterns = [
    path("", public(views.public_list), name="list"),
    path("<int:entry_id>", public(views.public_entry), name="entry"),
]
