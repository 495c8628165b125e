"""Lists must not issue a query per row: the count is the same for few rows and for many."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from petal.access.roles import Role
from petal.accounts.tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from petal.audit.services import audit_record

pytestmark = pytest.mark.django_db


def _queries(client, path):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(ctx.captured_queries)


def _grow_users(n):
    for _ in range(n):
        user = UserFactory()
        MembershipFactory(user=user, role=Role.TRUSTED_PERSON)
        MembershipFactory(
            user=user, role=Role.PARTNERSHIP_COORDINATOR, organisation=OrganisationFactory()
        )


@pytest.mark.parametrize(
    ("path", "grow"),
    [
        ("/users", _grow_users),
        ("/organisations", lambda n: [OrganisationFactory() for _ in range(n)]),
        ("/audit/", lambda n: [audit_record(actor=None, action="test.x") for _ in range(n)]),
        ("/", lambda n: None),
        ("/pages", lambda n: None),
    ],
)
def test_list_query_count_does_not_grow_with_rows(client, make_user, path, grow):
    client.force_login(make_user(Role.ADMINISTRATOR))
    client.get("/dashboard")  # the first request renews the session: a write not counted here
    grow(3)
    few = _queries(client, path)
    grow(30)
    many = _queries(client, path)
    assert many == few, f"{path}: {few} queries for few rows, {many} for many"
