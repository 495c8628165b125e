"""On PostgreSQL, row-level security hides every person's rows from the data protection lead
(who holds no relationship or consent). Their rights work still finds the record, prepares the
copy and reads a restricted record — through ``petal.access.rls.unrestricted()``, after the
``rights.manage`` check — while the same raw read outside it finds nothing."""

from __future__ import annotations

import json

import pytest
from django.db import connection

from petal.access import rls
from petal.people.models import Story
from petal.rights import services
from petal.rights.tests.factories import RightsCaseFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres_only]


@pytest.fixture
def as_application():
    """Run as a role the policies apply to (a superuser is exempt from row-level security)."""
    if connection.vendor != "postgresql":
        pytest.skip("row-level security is PostgreSQL's (SQLite relies on the access policy)")
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user")
        (exempt,) = cursor.fetchone()
        if exempt:
            cursor.execute("CREATE ROLE petal_rls_rights NOLOGIN")
            cursor.execute(
                "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public "
                "TO petal_rls_rights"
            )
            cursor.execute("GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO petal_rls_rights")
            cursor.execute("SET ROLE petal_rls_rights")
    yield
    with connection.cursor() as cursor:
        if exempt:
            cursor.execute("RESET ROLE")
    rls.clear_reader()


def _raw_names(person) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT full_name FROM people_person WHERE id = %s", [person.pk])
        return [row[0] for row in cursor.fetchall()]


def test_the_lead_does_rights_work_under_row_level_security(client, dpo, person, as_application):
    Story.objects.create(person=person, what_matters="CANARY-RLS-STORY")
    rls.set_reader(dpo)
    assert _raw_names(person) == []  # the policies apply: the lead reads nothing by default
    client.force_login(dpo)
    found = client.post("/rights/new", {"reference": f"P-{person.pk:06d}"})
    assert "Robin Canary-Hart" in found.content.decode()
    case = RightsCaseFactory(person=person)
    assert client.post(f"/rights/{case.pk}/copies/new").status_code == 302
    item = case.exports.get()
    data = json.loads(bytes(item.json_content))
    assert data["record"]["full_name"] == "Robin Canary-Hart"
    assert data["story"][0]["what_matters"] == "CANARY-RLS-STORY"
    restriction = RightsCaseFactory(person=person, kind="restriction")
    services.restriction_apply(actor=dpo, case_id=restriction.pk, reason="Contested")
    page = client.get(f"/rights/{restriction.pk}/record").content.decode()
    assert "CANARY-RLS-STORY" in page
    # Outside the rights work, the request's view is narrow again.
    rls.set_reader(dpo)
    assert _raw_names(person) == []
