"""Data-protection rights: subject access, rectification, restriction and erasure cases
(paths under /rights/). Every page is the data protection lead's (``rights.manage``)."""

from django.urls import path

from petal.access.decorators import requires
from petal.rights import views

app_name = "rights"

lead = requires("rights.manage")

urlpatterns = [
    path("", lead(views.case_list), name="cases"),
    path("new", lead(views.person_find), name="find"),
    path("new/<int:person_id>", lead(views.case_new), name="new"),
    path("<int:case_id>", lead(views.case_detail), name="case"),
    path("<int:case_id>/pause", lead(views.clock_pause), name="pause"),
    path("<int:case_id>/resume", lead(views.clock_resume), name="resume"),
    path("<int:case_id>/extend", lead(views.clock_extend), name="extend"),
    path("<int:case_id>/close", lead(views.case_close), name="close"),
    path("<int:case_id>/copies/new", lead(views.export_generate), name="export-new"),
    path(
        "<int:case_id>/copies/<int:export_id>.<str:fmt>",
        lead(views.export_download),
        name="export",
    ),
    path("<int:case_id>/restrict", lead(views.restrict), name="restrict"),
    path("<int:case_id>/lift", lead(views.lift), name="lift"),
    path("<int:case_id>/record", lead(views.restricted_record), name="record"),
    path("<int:case_id>/tell", lead(views.rectification_tell), name="tell"),
    path("<int:case_id>/decide", lead(views.erasure_decide), name="decide"),
]
