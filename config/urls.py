from django.urls import include, path

from config.api import api
from petal.access.decorators import mark_api_urls

handler400 = "petal.core.views.bad_request"
handler403 = "petal.core.views.permission_denied"
handler404 = "petal.core.views.page_not_found"
handler500 = "petal.core.views.server_error"

urlpatterns = [
    path("api/v1/", mark_api_urls(api.urls)),
    path("audit/", include("petal.audit.urls")),
    path("rights/", include("petal.rights.urls")),
    path("retention/", include("petal.retention.urls")),
    # Outcomes: a person's assessments and service use and the caseload import (under
    # /people/), and the dashboards, exports and reports (under /outcomes/); full paths.
    path("", include("petal.outcomes.urls_people")),
    path("", include("petal.outcomes.urls_import")),
    path("", include("petal.outcomes.urls_exports")),
    path("", include("petal.outcomes.urls")),
    path("people/", include("petal.people.urls")),
    path("directory/", include("petal.directory.urls")),
    path("referrals/", include("petal.referrals.urls")),
    path("meetings/", include("petal.meetings.urls")),
    path("champions/", include("petal.champions.urls")),
    path("network/", include("petal.champions.urls_network")),
    path("events/", include("petal.champions.urls_events")),
    path("stories/", include("petal.champions.urls_stories")),
    path("barriers/", include("petal.barriers.urls")),
    path("governance/", include("petal.barriers.urls_governance")),
    path("you-said-we-did/", include("petal.barriers.urls_public")),
    path("openreferral/", include("petal.directory.openreferral_urls")),
    # The programme app's parts each name their full paths, public and staff.
    path("", include("petal.programme.urls")),
    path("", include("petal.programme.urls_partners")),
    path("", include("petal.programme.urls_newsletters")),
    path("", include("petal.programme.urls_library")),
    path("", include("petal.programme.urls_coproduction")),
    path("", include("petal.programme.urls_assessment")),
    path("", include("petal.programme.urls_contact")),
    path("", include("petal.consent.urls")),
    path("", include("petal.accounts.urls")),
    # Last: public pages live at /<slug>, after every fixed path.
    path("", include("petal.site.urls")),
]
