"""Access-matrix rows for the caseload import.

Trusted persons and partnership coordinators import (``people.import``); everyone else is
refused. A batch is its uploader's alone: ``{import_batch}`` was uploaded by someone else, so
it answers 404 to every importer, as if it did not exist. Importing and undoing are POST only:
a GET is refused once the role check has passed."""

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

IMPORTERS = {R.TRUSTED_PERSON, R.PARTNERSHIP_COORDINATOR}

PAGES: dict[str, tuple[str, dict[str, int]]] = {
    "imports:list": ("/people/import/", allow(IMPORTERS)),
    "imports:template": ("/people/import/template.csv", allow(IMPORTERS)),
    "imports:batch": ("/people/import/{import_batch}", allow(IMPORTERS, ok_status=404)),
    "imports:run": ("/people/import/{import_batch}/import", allow(IMPORTERS, ok_status=405)),
    "imports:undo": ("/people/import/{import_batch}/undo", allow(IMPORTERS, ok_status=405)),
}

API_OPERATIONS: dict[tuple[str, str], tuple[str, dict | None, dict[str, int]]] = {}


def ids() -> dict:
    from petal.accounts.tests.factories import MembershipFactory
    from petal.outcomes.models import ImportBatch

    uploader = MembershipFactory(role=R.PARTNERSHIP_COORDINATOR).user
    batch = ImportBatch.objects.create(
        uploaded_by=uploader,
        filename="someone-elses.csv",
        content=b"Full name,Date of birth\n",
        summary={"rows": 0, "new": 0, "matched": 0, "with_problems": 0},
    )
    return {"import_batch": batch.pk}
