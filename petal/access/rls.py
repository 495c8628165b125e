"""Row-level security on PostgreSQL: a second line of defence under the access policy.

The application decides who reads what (petal.access.people), in every query. On PostgreSQL the
database checks again: the tables holding a person's own information (the person, their story,
aliases, need episodes, contact records and the history of changes) carry policies that let a
request read a person's rows only when the reader is one of the person's current trusted
persons, holds an active consent (themselves, their organisation or partnership), an active
break-glass, or is the person themselves (their own sign-in). So a raw query written wrongly
in a request cannot read across organisations.

What the database knows about the reader is set once per request, before any view runs
(``RowSecurityMiddleware``; the API's token authentication sets it again once it knows the
user): ``petal.user_id`` (0 for nobody signed in), and the application's ``petal.today`` and
``petal.now``, so the database and the application agree on which consents are in force.
Outside requests (management commands, background tasks, migrations) nothing is set and
the policies let everything through: that work is the system's own.

Counting across everyone — the outcomes dashboards, the duplicate check when adding a person,
the safeguarding look-up, the data protection lead's rights work — is deliberate and runs
inside ``unrestricted()``, which is the only way to widen a request's view.

SQLite has no row-level security: there the application policy is the only line (documented
in docs/decisions/0015-row-level-security.md).
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar

from django.db import connection
from django.utils import timezone

# The tables with policies, and the column naming the person each row is about.
PROTECTED_TABLES: dict[str, str] = {
    "people_person": "id",
    "people_story": "person_id",
    "people_alias": "person_id",
    "people_needepisode": "person_id",
    "people_contactrecord": "person_id",
    "people_recordversion": "person_id",
}

_depth: ContextVar[int] = ContextVar("petal_rls_unrestricted", default=0)


def active() -> bool:
    return connection.vendor == "postgresql"


def _configure(sql: str, params=()) -> None:
    """Run a set_config on the connection itself: session settings, not a query about data,
    so Django's query log (and the tests that count queries per row) does not see it."""
    connection.ensure_connection()
    with connection.connection.cursor() as cursor:
        cursor.execute(sql, params)


def set_reader(user) -> None:
    """Tell the database who is reading, for the rest of this request."""
    if not active():
        return
    reader = str(user.pk) if user is not None and user.is_authenticated else "0"
    _configure(
        "SELECT set_config('petal.user_id', %s, false), set_config('petal.today', %s, false),"
        " set_config('petal.now', %s, false), set_config('petal.scope', '', false)",
        [reader, timezone.localdate().isoformat(), timezone.now().isoformat()],
    )


def clear_reader() -> None:
    """Back to the system's own view (no reader), at the end of every request: a connection
    kept open for the next request, or a test's own queries after a request, start clean."""
    if not active() or connection.connection is None:
        return
    _configure(
        "SELECT set_config('petal.user_id', '', false), set_config('petal.scope', '', false)"
    )


def _request_finished(sender, **kwargs) -> None:
    try:
        clear_reader()
    except Exception:  # noqa: BLE001, S110 - a broken connection is closed, settings and all
        pass


@contextmanager
def unrestricted():
    """Read across everyone's rows inside this block: counts and look-ups the access policy
    allows without showing the rows themselves (dashboards, duplicate checks, the safeguarding
    look-up, rights work). Nested blocks are fine; the outermost one resets."""
    if not active():
        yield
        return
    depth = _depth.get()
    token = _depth.set(depth + 1)
    try:
        if depth == 0:
            _configure("SELECT set_config('petal.scope', 'all', false)")
        yield
    finally:
        _depth.reset(token)
        if depth == 0:
            try:
                _configure("SELECT set_config('petal.scope', '', false)")
            except Exception:  # noqa: BLE001, S110 - the failed transaction's rollback resets it
                pass


class RowSecurityMiddleware:
    """Sets the reader for row-level security at the start of every request (PostgreSQL), and
    clears it when the response is finished (after a streamed download too)."""

    def __init__(self, get_response):
        from django.core.signals import request_finished

        request_finished.connect(_request_finished, dispatch_uid="petal.access.rls.clear")
        self.get_response = get_response

    def __call__(self, request):
        if active():
            set_reader(getattr(request, "user", None))
        return self.get_response(request)
