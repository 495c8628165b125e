"""Partners and contributions, and milestones: the public /partners and /milestones pages and
the programme team's pages (full paths: included at the root)."""

from django.urls import path

from petal.access.decorators import public, requires
from petal.programme.views import milestones, partners

app_name = "partners"

VIEW = requires("contributions.view")
MANAGE = requires("programme.manage")

urlpatterns = [
    path("partners", public(partners.public), name="public"),
    path("milestones", public(milestones.timeline), name="timeline"),
    path("programme/partners/", VIEW(partners.partner_list), name="list"),
    path("programme/partners/new", MANAGE(partners.partner_new), name="new"),
    path("programme/partners/<int:partner_id>", VIEW(partners.partner_detail), name="partner"),
    path("programme/partners/<int:partner_id>/edit", MANAGE(partners.partner_edit), name="edit"),
    path(
        "programme/partners/<int:partner_id>/contributions/new",
        MANAGE(partners.contribution_new),
        name="contribution-new",
    ),
    path(
        "programme/contributions/<int:contribution_id>/edit",
        MANAGE(partners.contribution_edit),
        name="contribution-edit",
    ),
    path(
        "programme/contributions/<int:contribution_id>/withdraw",
        MANAGE(partners.contribution_withdraw),
        name="contribution-withdraw",
    ),
    path("programme/contributions.csv", VIEW(partners.export_csv), name="export-csv"),
    path("programme/contributions.xlsx", VIEW(partners.export_xlsx), name="export-xlsx"),
    path("programme/milestones/", MANAGE(milestones.milestone_list), name="milestones"),
    path("programme/milestones/new", MANAGE(milestones.milestone_new), name="milestone-new"),
    path(
        "programme/milestones/<int:milestone_id>/edit",
        MANAGE(milestones.milestone_edit),
        name="milestone-edit",
    ),
]
