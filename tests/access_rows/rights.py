"""Access-matrix rows for data-protection rights (petal.rights): every page is the data
protection lead's (``rights.manage``); everyone else, administrators included, is refused.

``{rights_case}`` is an open subject access request with a copy ``{rights_export}``;
``{rights_person}`` a record to record a request about; ``{rights_restricted}`` a restriction
case in force (its record is read on the rights pages only). POST-only actions answer 405 to a
GET once the role check has passed."""

from __future__ import annotations

from tests.access_rows.common import (  # noqa: F401
    ANON,
    EVERY_ROLE,
    EVERYONE,
    INDIVIDUAL,
    NO_ROLE,
    PEOPLE,
    PRINCIPALS,
    SIGNED_IN,
    R,
    allow,
)

LEAD = {R.DATA_PROTECTION_LEAD}

PAGES: dict[str, tuple[str, dict[str, int]]] = {
    "rights:cases": ("/rights/", allow(LEAD)),
    "rights:find": ("/rights/new", allow(LEAD)),
    "rights:new": ("/rights/new/{rights_person}", allow(LEAD)),
    "rights:case": ("/rights/{rights_case}", allow(LEAD)),
    "rights:pause": ("/rights/{rights_case}/pause", allow(LEAD)),
    "rights:resume": ("/rights/{rights_case}/resume", allow(LEAD, ok_status=405)),
    "rights:extend": ("/rights/{rights_case}/extend", allow(LEAD)),
    "rights:close": ("/rights/{rights_case}/close", allow(LEAD)),
    "rights:export-new": ("/rights/{rights_case}/copies/new", allow(LEAD, ok_status=405)),
    "rights:export": ("/rights/{rights_case}/copies/{rights_export}.json", allow(LEAD)),
    "rights:restrict": ("/rights/{rights_restricted}/restrict", allow(LEAD)),
    "rights:lift": ("/rights/{rights_restricted}/lift", allow(LEAD)),
    "rights:record": ("/rights/{rights_restricted}/record", allow(LEAD)),
    "rights:tell": ("/rights/{rights_case}/tell", allow(LEAD, ok_status=405)),
    "rights:decide": ("/rights/{rights_case}/decide", allow(LEAD)),
}

API_OPERATIONS: dict[tuple[str, str], tuple[str, dict | None, dict[str, int]]] = {}


def ids() -> dict:
    from django.utils import timezone

    from petal.people.tests.factories import PersonFactory
    from petal.rights.models import SubjectAccessExport
    from petal.rights.tests.factories import RightsCaseFactory

    case = RightsCaseFactory(person=PersonFactory())
    copy = SubjectAccessExport.objects.create(
        case=case, json_content=b"{}", pdf_content=b"%PDF-1.7", sha256="0" * 64
    )
    restricted = RightsCaseFactory(
        person=PersonFactory(), kind="restriction", restricted_at=timezone.now()
    )
    return {
        "rights_case": case.pk,
        "rights_export": copy.pk,
        "rights_person": case.person_id,
        "rights_restricted": restricted.pk,
    }
