"""Row-level security on PostgreSQL: a raw query in a request cannot read across organisations.

These talk to the database directly, as a bug would: no selector, no access policy. The
database's own policies (petal.access.rls, migration access 0001) must refuse the rows.
"""

from __future__ import annotations

import importlib

import pytest
from django.db import connection

from petal.access import rls
from petal.access.roles import Role
from petal.consent.tests.factories import BreakGlassFactory, ConsentFactory, make_individual
from petal.people.tests.factories import EpisodeFactory, person_of

pytestmark = [pytest.mark.django_db, pytest.mark.postgres_only]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("row-level security is PostgreSQL's (SQLite relies on the access policy)")


@pytest.fixture
def as_application():
    """Run as a role the policies apply to. CI connects as one already; a developer connected
    as a superuser (which row-level security never applies to) borrows a plain role for the
    test, inside the test's transaction."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user")
        (exempt,) = cursor.fetchone()
        if exempt:
            cursor.execute("CREATE ROLE petal_rls_probe NOLOGIN")
            cursor.execute(
                "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO petal_rls_probe"
            )
            cursor.execute("SET ROLE petal_rls_probe")
    yield
    with connection.cursor() as cursor:
        if exempt:
            cursor.execute("RESET ROLE")
    rls.clear_reader()


def _names(sql: str, params) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def _raw_person(person) -> list[str]:
    return _names("SELECT full_name FROM people_person WHERE id = %s", [person.pk])


def test_a_raw_query_cannot_read_another_organisations_person(make_user, as_application):
    theirs = make_user(Role.TRUSTED_PERSON)
    stranger = make_user(Role.TRUSTED_PERSON)
    person = person_of(theirs, full_name="Rowan Hidden-Person")
    EpisodeFactory(person=person)

    rls.set_reader(stranger)
    assert _raw_person(person) == []
    assert _names("SELECT full_name FROM people_person", []) == []
    assert _names("SELECT note FROM people_needepisode WHERE person_id = %s", [person.pk]) == []
    assert _names("SELECT count(*)::text FROM people_person", []) == ["0"]
    # A write through a bug finds nothing to change either.
    with connection.cursor() as cursor:
        cursor.execute("UPDATE people_person SET risk_notes = 'x' WHERE id = %s", [person.pk])
        assert cursor.rowcount == 0

    rls.set_reader(theirs)
    assert _raw_person(person) == ["Rowan Hidden-Person"]
    assert len(_names("SELECT note FROM people_needepisode WHERE person_id = %s", [person.pk])) == 1


def test_consent_break_glass_and_own_sign_in_open_the_rows(make_user, as_application):
    from petal.accounts.models import Organisation

    theirs = make_user(Role.TRUSTED_PERSON)
    organisation = Organisation.objects.order_by("pk").first()
    staff = make_user(Role.SERVICE_STAFF, organisation=organisation)
    lead = make_user(Role.SAFEGUARDING_LEAD)
    named = make_user(Role.CHAMPION)
    person = person_of(theirs, full_name="Morgan Shared-Person")
    own = make_individual(person)

    for reader in (staff, lead, named):
        rls.set_reader(reader)
        assert _raw_person(person) == [], reader

    rls.clear_reader()
    ConsentFactory(person=person, grantee_organisation=organisation)
    consent_to_named = ConsentFactory(person=person, grantee_user=named)
    glass = BreakGlassFactory(person=person, opened_by=lead)
    for reader in (staff, lead, named, own):
        rls.set_reader(reader)
        assert _raw_person(person) == ["Morgan Shared-Person"], reader

    # Withdrawn, ended or closed: gone again at once.
    rls.clear_reader()
    from django.utils import timezone

    consent_to_named.withdrawn_at = timezone.now()
    consent_to_named.save()
    glass.closed_at = timezone.now()
    glass.save()
    for reader in (named, lead):
        rls.set_reader(reader)
        assert _raw_person(person) == [], reader


def test_no_reader_outside_requests_and_unrestricted_counts_see_everyone(make_user, as_application):
    theirs = make_user(Role.TRUSTED_PERSON)
    stranger = make_user(Role.PROGRAMME_TEAM)
    person = person_of(theirs)
    rls.clear_reader()
    assert len(_raw_person(person)) == 1  # commands, tasks and migrations: the system's own
    rls.set_reader(stranger)
    assert _raw_person(person) == []
    with rls.unrestricted():
        with rls.unrestricted():
            assert len(_raw_person(person)) == 1
        assert len(_raw_person(person)) == 1  # the inner block leaves the outer one open
    assert _raw_person(person) == []
    rls.set_reader(None)  # nobody signed in
    assert _raw_person(person) == []


def test_every_request_tells_the_database_who_reads_and_forgets_at_the_end(client, make_user, rf):
    from django.contrib.auth.models import AnonymousUser

    def reader(request):
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('petal.user_id', true)")
            request.seen = cursor.fetchone()[0]
        from django.http import HttpResponse

        return HttpResponse()

    middleware = rls.RowSecurityMiddleware(reader)
    user = make_user(Role.CHAMPION)
    request = rf.get("/")
    request.user = user
    middleware(request)
    assert request.seen == str(user.pk)
    request = rf.get("/")
    request.user = AnonymousUser()
    middleware(request)
    assert request.seen == "0"

    # A whole request through the stack: cleared once the response is finished, so a kept
    # connection (or a test's own queries) starts clean.
    client.force_login(user)
    client.get("/dashboard")
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('petal.user_id', true)")
        assert cursor.fetchone()[0] == ""


def test_the_protected_tables_are_forced_and_match_the_migration():
    migration = importlib.import_module("petal.access.migrations.0001_row_level_security")
    assert migration.TABLES == rls.PROTECTED_TABLES
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relrowsecurity AND relforcerowsecurity"
            " AND relname = ANY(%s)",
            [list(rls.PROTECTED_TABLES)],
        )
        assert {row[0] for row in cursor.fetchall()} == set(rls.PROTECTED_TABLES)
