from django.urls import path

from petal.access.decorators import public, requires
from petal.site import views

app_name = "site"

urlpatterns = [
    path("", public(views.home), name="home"),
    path("pages", requires("site.edit_pages")(views.page_list), name="page-list"),
    path("pages/<slug:slug>/edit", requires("site.edit_pages")(views.page_edit), name="page-edit"),
    path("<slug:slug>", public(views.page), name="page"),
]
