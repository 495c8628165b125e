"""Open Referral UK version 3, read-only and public (see petal.directory.openreferral)."""

from django.urls import path

from petal.access.decorators import public
from petal.directory import openreferral as views

app_name = "openreferral"

urlpatterns = [
    path("", public(views.root), name="root"),
    path("services", public(views.services), name="services"),
    path("services/<uuid:service_id>", public(views.service), name="service"),
    path("taxonomies", public(views.taxonomies), name="taxonomies"),
    path("taxonomies/<uuid:taxonomy_id>", public(views.taxonomy), name="taxonomy"),
    path("taxonomy_terms", public(views.taxonomy_terms), name="taxonomy_terms"),
    path("taxonomy_terms/<uuid:term_id>", public(views.taxonomy_term), name="taxonomy_term"),
    path("service_at_locations", public(views.service_at_locations), name="service_at_locations"),
    path(
        "service_at_locations/<uuid:sal_id>",
        public(views.service_at_location),
        name="service_at_location",
    ),
]
