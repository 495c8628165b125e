"""Test set-up shared by every test: test settings, built front-end files, users by role."""

import os

os.environ.setdefault("PETAL_ENV", "test")
# Playwright's sync API runs an event loop in the test thread; Django's guard against sync
# database calls from async contexts would otherwise stop browser tests that touch the ORM.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import pytest  # noqa: E402


def pytest_configure(config):
    from django.conf import settings

    if settings.PETAL_ENV != "test":
        raise pytest.UsageError("Run the tests with PETAL_ENV=test (scripts/test does this).")
    from petal.core.assets import TARGET, build_assets

    if not (TARGET / "vendor" / "govuk" / "govuk-frontend.min.css").exists():
        build_assets()


@pytest.fixture
def make_user(db):
    """make_user(role=None, **membership) → an active user holding that role (or none)."""
    from petal.accounts.tests.factories import MembershipFactory, UserFactory

    def make(role=None, **membership):
        user = UserFactory()
        if role is not None:
            MembershipFactory(user=user, role=role, **membership)
        return user

    return make


def _append_only_sql(vendor):
    import importlib

    module = importlib.import_module("petal.audit.migrations.0002_append_only")
    return module.statements(vendor, True)


@pytest.fixture(autouse=True)
def _audit_append_only(request):
    """Keep the audit table append-only in every database test, yet let Django flush it.

    Flushing after a transactional test (browser tests, concurrency tests) deletes every row,
    which SQLite's append-only triggers refuse; this drops them just before that flush and
    puts them back at the start of every database test. PostgreSQL flushes with TRUNCATE,
    which row triggers do not see, so nothing is needed there.

    The flush also empties the reference data the data migrations loaded (partners,
    districts, public pages), so a transactional test that finds it gone loads it again.
    (Django's serialized rollback would do this, but it keeps the snapshot on the connection
    object, which Playwright's set-up replaces.)
    """
    marker = request.node.get_closest_marker("django_db")
    names = request.fixturenames
    transactional = (
        "transactional_db" in names
        or "live_server" in names
        or bool(marker and marker.kwargs.get("transaction"))
    )
    if not (transactional or marker or "db" in names):
        yield
        return
    request.getfixturevalue("transactional_db" if transactional else "db")
    from django.db import connection

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            for sql in _append_only_sql("sqlite"):
                cursor.execute(sql)
    if transactional:
        from petal.reference.models import ProgrammeArea

        if not ProgrammeArea.objects.exists():
            from petal.core.testing import reload_reference_data

            reload_reference_data()
    yield
    if transactional and connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
            cursor.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")
