"""Access-matrix rows for this part of the programme app."""

from __future__ import annotations

from tests.access_rows.common import (  # noqa: F401
    ANON,
    EVERY_ROLE,
    EVERYONE,
    INDIVIDUAL,
    NO_ROLE,
    PRINCIPALS,
    SIGNED_IN,
    R,
    allow,
)

PAGES: dict[str, tuple[str, dict[str, int]]] = {
    "contact:contact": ("/contact", allow(EVERYONE)),
    "contact:sent": ("/contact/sent", allow(EVERYONE)),
    "contact:get-involved": ("/get-involved", allow(EVERYONE)),
    # Messages hold their senders' details: the programme team's alone.
    "contact:inbox": ("/programme/contact/", allow({R.PROGRAMME_TEAM})),
    "contact:message": ("/programme/contact/{contact_message}", allow({R.PROGRAMME_TEAM})),
    "programme:home": ("/programme/", allow({R.PROGRAMME_TEAM})),
}

API_OPERATIONS: dict[tuple[str, str], tuple[str, dict | None, dict[str, int]]] = {}


def ids() -> dict:
    from petal.programme.tests.factories import ContactMessageFactory

    return {"contact_message": ContactMessageFactory().pk}
